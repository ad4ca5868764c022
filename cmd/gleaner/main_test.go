package main

import (
	"bufio"
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// binary is the gleaner program built once for the end-to-end tests, as
// the README installs it (CGO_ENABLED=0).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gleaner-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gleaner")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr, build.Env = os.Stderr, append(os.Environ(), "CGO_ENABLED=0")
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build gleaner:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestBinaryIsStatic: the binary built as the README installs it needs no
// dynamic loader and no shared library, so it runs on any Linux of its
// architecture and under systemd's hardening without /usr/lib. A
// dependency that needed cgo would break this build or this test.
func TestBinaryIsStatic(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF binary")
	}
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary asks for a dynamic loader (PT_INTERP)")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v (%v), want none", libs, err)
	}
}

// upstream serves one fixture with ETag and Last-Modified, answering 304
// to conditional requests, and counts what it was sent.
type upstream struct {
	body        []byte
	contentType string
	etag        string

	mu          sync.Mutex
	requests    int
	conditional int
	userAgent   string
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.requests++
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		u.conditional++
	}
	u.userAgent = r.UserAgent()
	u.mu.Unlock()
	w.Header().Set("ETag", u.etag)
	w.Header().Set("Last-Modified", "Tue, 05 Mar 2024 12:00:00 GMT")
	if r.Header.Get("If-None-Match") == u.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", u.contentType)
	w.Write(u.body)
}

func (u *upstream) counts() (requests, conditional int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.requests, u.conditional
}

// lastUserAgent is the User-Agent of the latest request.
func (u *upstream) lastUserAgent() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.userAgent
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "upstream", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gb2312(t *testing.T, utf8 []byte) []byte {
	t.Helper()
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8) // GBK extends GB2312
	if err != nil {
		t.Fatalf("encode GB2312: %v", err)
	}
	return out
}

type world struct {
	serve    *exec.Cmd
	serveLog *lockedBuffer // the running server's stderr
	dir      string
	config   string
	chinese  *upstream
	atom     *upstream
	json     *upstream
}

// newWorld starts upstreams (three good, three broken) and writes a
// configuration that polls them.
func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{dir: t.TempDir()}
	w.chinese = &upstream{body: gb2312(t, fixture(t, "chinese-news.rss.xml")), contentType: "text/xml", etag: `"cn-1"`}
	w.atom = &upstream{body: fixture(t, "security-blog.atom.xml"), contentType: "application/atom+xml", etag: `"atom-1"`}
	w.json = &upstream{body: fixture(t, "wire.feed.json"), contentType: "application/feed+json", etag: `"json-1"`}
	serve := func(h http.Handler) string {
		s := httptest.NewServer(h)
		t.Cleanup(s.Close)
		return s.URL
	}
	chineseURL := serve(w.chinese) + "/world/rss.xml"
	atomURL := serve(w.atom) + "/feed.atom"
	jsonURL := serve(w.json) + "/feed.json"
	failing := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	invalid := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>unclosed`)
	}))
	slow := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	w.config = filepath.Join(w.dir, "config.yaml")
	cfg := fmt.Sprintf(`database: gleaner.db
listen: 127.0.0.1:0
base_url: http://gleaner.test
poll:
  allow_private_networks: true
  timeout: 2s
sources:
  - name: chinese-news
    url: %s
    timezone: Asia/Shanghai
    tags: [china]
  - name: security-blog
    url: %s
  - name: wire
    url: %s
  - name: failing
    url: %s/feed
  - name: invalid
    url: %s/feed
  - name: slow
    url: %s/feed
tags:
  cyber-security:
    any: [ransomware, malware, botnet, 勒索软件, 网络攻击, 黑客]
    none: [cyber monday]
outputs:
  - name: cyber-security
    title: Cyber-security reports
    tags: [cyber-security]
  - name: china
    tags: [china]
  - name: all
    title: Everything
`, chineseURL, atomURL, jsonURL, failing, invalid, slow)
	if err := os.WriteFile(w.config, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

// gleaner runs the built binary and returns its stdout.
func (w *world) gleaner(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "GLEANER_CONFIG="+w.config)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Logf("gleaner %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), err
}

// pollLines maps each source to its line of `gleaner poll` output.
func pollLines(out string) map[string]string {
	lines := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		name, _, _ := strings.Cut(l, "\t")
		lines[name] = l
	}
	return lines
}

func TestEndToEnd(t *testing.T) {
	w := newWorld(t)

	out, err := w.gleaner(t, "poll")
	if err != nil {
		t.Fatalf("first poll: %v", err)
	}
	lines := pollLines(out)
	for _, name := range []string{"chinese-news", "security-blog", "wire"} {
		if !strings.Contains(lines[name], "\tok\t200\t") || strings.Contains(lines[name], "new=0") {
			t.Errorf("first poll of %s: %q, want ok with new items", name, lines[name])
		}
	}
	for name, want := range map[string]string{"failing": "HTTP 500", "invalid": "parse", "slow": "deadline exceeded"} {
		if !strings.Contains(lines[name], "\terror\t") || !strings.Contains(lines[name], want) {
			t.Errorf("first poll of %s: %q, want an error mentioning %q", name, lines[name], want)
		}
	}
	if ua := w.atom.lastUserAgent(); !strings.HasPrefix(ua, "gleaner/") {
		t.Errorf("User-Agent = %q, want gleaner/…", ua)
	}

	before := renderAll(t, w)

	out, err = w.gleaner(t, "poll")
	if err != nil {
		t.Fatalf("second poll: %v", err)
	}
	lines = pollLines(out)
	for _, u := range []struct {
		name string
		up   *upstream
	}{{"chinese-news", w.chinese}, {"security-blog", w.atom}, {"wire", w.json}} {
		requests, conditional := u.up.counts()
		if requests != 2 || conditional != 1 {
			t.Errorf("%s upstream saw %d requests, %d conditional; want 2 and 1", u.name, requests, conditional)
		}
		if !strings.Contains(lines[u.name], "not-modified") {
			t.Errorf("second poll of %s: %q, want not-modified", u.name, lines[u.name])
		}
	}
	status, err := w.gleaner(t, "status")
	if err != nil {
		t.Fatalf("status: %v", err)
	}
	for _, want := range []string{`SOURCE\s+STATE`, `chinese-news\s+ok\s`, `failing\s+failing\s.*HTTP 500`, `slow\s+failing\s.*deadline exceeded`} {
		if !regexp.MustCompile(want).MatchString(status) {
			t.Errorf("gleaner status does not match %q:\n%s", want, status)
		}
	}
	after := renderAll(t, w)
	for k, b := range before {
		if !bytes.Equal(b, after[k]) {
			t.Errorf("%s changed after an all-304 poll", k)
		}
	}

	checkOutputs(t, before)
	checkFailuresRecorded(t, w)
	validateOutputs(t, w.dir, before)
}

// renderAll renders every output in every format with `gleaner render`.
func renderAll(t *testing.T, w *world) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, name := range []string{"cyber-security", "china", "all"} {
		for _, ext := range []string{"rss", "atom", "json"} {
			file := name + "." + ext
			body, err := w.gleaner(t, "render", file)
			if err != nil {
				t.Fatalf("render %s: %v", file, err)
			}
			out[file] = []byte(body)
		}
	}
	return out
}

type parsedItem struct {
	id, title, link string
	tags            []string
}

func parseBack(t *testing.T, name string, body []byte) []parsedItem {
	t.Helper()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s does not parse back: %v", name, err)
	}
	var items []parsedItem
	for _, it := range feed.Items {
		tags := slices.Clone(it.Categories)
		slices.Sort(tags)
		items = append(items, parsedItem{id: it.GUID, title: it.Title, link: it.Link, tags: tags})
	}
	return items
}

func checkOutputs(t *testing.T, rendered map[string][]byte) {
	t.Helper()
	wantTitles := map[string][]string{
		"cyber-security": {
			"国家网信办通报一起针对医院的勒索软件攻击事件",
			"中方宣布举办网络安全国际论坛",
			"Ransomware gang claims attack on regional hospital chain",
		},
		"china": {"国家网信办通报一起针对医院的勒索软件攻击事件", "北京今日天气晴朗 最高气温十八度", "中方宣布举办网络安全国际论坛"},
	}
	notIn := map[string][]string{
		"cyber-security": {"Cyber Monday: the best deals on laptops", "北京今日天气晴朗 最高气温十八度", "Markets close higher on tech rally"},
	}
	for _, output := range []string{"cyber-security", "china", "all"} {
		var ids map[string]string // title → id, the same in every format
		for _, ext := range []string{"rss", "atom", "json"} {
			file := output + "." + ext
			items := parseBack(t, file, rendered[file])
			got := map[string]string{}
			for _, it := range items {
				got[it.title] = it.id
				if it.id == "" || !strings.HasPrefix(it.id, "http://gleaner.test/items/") {
					t.Errorf("%s: item %q has id %q, want http://gleaner.test/items/…", file, it.title, it.id)
				}
				if strings.Contains(it.title, "勒索软件") && !slices.Contains(it.tags, "cyber-security") {
					t.Errorf("%s: %q has tags %v, want cyber-security", file, it.title, it.tags)
				}
				if strings.HasPrefix(it.title, "北京今日") && (!slices.Equal(it.tags, []string{"china"})) {
					t.Errorf("%s: %q has tags %v, want [china]", file, it.title, it.tags)
				}
				if strings.HasPrefix(it.title, "Cyber Monday") && len(it.tags) != 0 {
					t.Errorf("%s: %q has tags %v, want none (the none term vetoes)", file, it.title, it.tags)
				}
			}
			for _, title := range wantTitles[output] {
				if _, ok := got[title]; !ok {
					t.Errorf("%s lacks %q; has %v", file, title, keys(got))
				}
			}
			for _, title := range notIn[output] {
				if _, ok := got[title]; ok {
					t.Errorf("%s has %q, which it should not", file, title)
				}
			}
			if ids == nil {
				ids = got
			} else if !mapsEqual(ids, got) {
				t.Errorf("%s ids %v differ from another format's %v", file, got, ids)
			}
		}
	}
	// The hospital story came from two sources and is one item.
	var doc struct {
		Items []struct {
			Title   string `json:"title"`
			URL     string `json:"url"`
			Date    string `json:"date_published"`
			Gleaner struct {
				Sources []struct{ Name, URL string } `json:"sources"`
			} `json:"_gleaner"`
		} `json:"items"`
	}
	if err := json.Unmarshal(rendered["all.json"], &doc); err != nil {
		t.Fatal(err)
	}
	hospital := 0
	for _, it := range doc.Items {
		if len(it.Gleaner.Sources) == 0 {
			t.Errorf("all.json: %q has no _gleaner.sources", it.Title)
		}
		if strings.Contains(strings.ToLower(it.Title), "hospital") {
			hospital++
			if n := len(it.Gleaner.Sources); n != 2 || it.Gleaner.Sources[0].Name != "security-blog" {
				t.Errorf("all.json: hospital story sources = %+v, want security-blog then wire", it.Gleaner.Sources)
			}
		}
		if it.Title == "北京今日天气晴朗 最高气温十八度" && it.Date != "2024-03-05T01:00:00Z" {
			t.Errorf("all.json: zoneless Beijing date read as %s, want 2024-03-05T01:00:00Z", it.Date)
		}
		if it.Title == "国家网信办通报一起针对医院的勒索软件攻击事件" && !strings.HasSuffix(it.URL, "/world/2024-03/05/c_1001.htm") {
			t.Errorf("all.json: relative link resolved to %q", it.URL)
		}
	}
	if hospital != 1 {
		t.Errorf("all.json has %d hospital items, want 1 merged item", hospital)
	}
}

// checkFailuresRecorded reads the status from the HTML index of a running
// server: broken sources show their error, healthy ones none.
func checkFailuresRecorded(t *testing.T, w *world) {
	t.Helper()
	base, stop := startServe(t, w)
	defer stop()
	page := get(t, base+"/")
	for _, want := range []string{"HTTP 500", "deadline exceeded", `rel="alternate"`, "/feeds/cyber-security.atom"} {
		if !strings.Contains(page, want) {
			t.Errorf("index page lacks %q", want)
		}
	}
	// Feed readers polling the server get 304 while nothing changed.
	resp, err := http.Get(base + "/feeds/all.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", base+"/feeds/all.atom", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if resp2, err := http.DefaultClient.Do(req); err != nil || resp2.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET of all.atom: %v %v, want 304", resp2.Status, err)
	}
	// The server serves byte for byte what render prints.
	for _, file := range []string{"all.atom", "cyber-security.json", "china.rss"} {
		body, err := w.gleaner(t, "render", file)
		if err != nil {
			t.Fatal(err)
		}
		if got := get(t, base+"/feeds/"+file); got != body {
			t.Errorf("GET /feeds/%s differs from gleaner render", file)
		}
	}
}

func (w *world) signal(t *testing.T, sig string) {
	t.Helper()
	if err := w.serve.Process.Signal(map[string]os.Signal{"SIGHUP": syscall.SIGHUP}[sig]); err != nil {
		t.Fatal(err)
	}
}

// startServe runs `gleaner serve` and returns its address.
func startServe(t *testing.T, w *world) (string, func()) {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(os.Environ(), "GLEANER_CONFIG="+w.config)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.serve, w.serveLog = cmd, stderr
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("serve printed no address: %v\n%s", err, stderr.String())
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	return base, func() {
		cmd.Process.Signal(os.Interrupt)
		if err := cmd.Wait(); err != nil {
			t.Errorf("serve exited with %v\n%s", err, stderr.String())
		}
	}
}

// lockedBuffer is a process's output, read while the process writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestMemProfileRate(t *testing.T) {
	if got := memProfileRate(""); got != 0 {
		t.Errorf(`memProfileRate("") = %d, want 0: no profile, no samples`, got)
	}
	if got := memProfileRate("mem.out"); got != runtime.MemProfileRate || got == 0 {
		t.Errorf(`memProfileRate("mem.out") = %d, want the runtime's rate %d`, got, runtime.MemProfileRate)
	}
}
