package farm

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteOPML writes an OPML 2.0 subscription list of feeds, served under
// base (http://ADDR, no trailing slash).
func WriteOPML(w io.Writer, base string, feeds []Feed) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	bw.WriteString(`<opml version="2.0">` + "\n<head>\n")
	fmt.Fprintf(bw, "  <title>feedfarm (%d feeds)</title>\n", len(feeds))
	fmt.Fprintf(bw, "  <dateCreated>%s</dateCreated>\n", BaseTime.Format("Mon, 02 Jan 2006 15:04:05 GMT"))
	bw.WriteString("</head>\n<body>\n")
	for _, f := range feeds {
		lang := "en"
		if f.Chinese {
			lang = "zh-CN"
		}
		fmt.Fprintf(bw, `  <outline type="rss" version="%s" text="%s" title="%s" xmlUrl="%s" htmlUrl="%s" language="%s"/>`+"\n",
			f.Format, attr(f.Title), attr(f.Title), attr(base+f.Path), attr(f.Site), lang)
	}
	bw.WriteString("</body>\n</opml>\n")
	return bw.Flush()
}

func attr(s string) string { return string(appendText(nil, s)) }

// Terms of the cyber-security rule that the generated security stories
// use; the other stories use none of them.
var (
	cyberTermsEN = []string{
		"ransomware", "malware", "botnet", "botnets", "phishing", "vulnerability", "vulnerabilities",
		"data breach", "cyberattack", "cyberattacks", "cyber attack", "cybersecurity", "cyber security",
		"hacker", "hackers", "spyware", "zero-day", "ddos", "infostealer",
	}
	cyberTermsZH = []string{
		"勒索软件", "恶意软件", "网络攻击", "漏洞", "黑客", "钓鱼邮件", "网络钓鱼", "数据泄露", "僵尸网络", "网络安全", "木马程序",
	}
)

// WriteConfig writes a gleaner configuration that polls every feed,
// served under base, with a cyber-security rule, the extractors the
// shipped configuration runs (every entry's text goes through them),
// and two outputs.
func WriteConfig(w io.Writer, base string, feeds []Feed) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`# gleaner configuration for a feedfarm run; generated, do not edit.
database: gleaner.db
listen: 127.0.0.1:0
base_url: http://gleaner.bench

poll:
  schedule: "@every 15m"
  allow_private_networks: true
  concurrency: 32
  per_host: 64
  host_interval: 0s
  timeout: 10s

sources:
`)
	for _, f := range feeds {
		fmt.Fprintf(bw, "  - name: %s\n    url: %s\n", f.Name, base+f.Path)
		if f.Chinese {
			bw.WriteString("    timezone: Asia/Shanghai\n")
		}
	}
	bw.WriteString("\ntags:\n  cyber-security:\n    any:\n")
	for _, t := range append(append([]string(nil), cyberTermsEN...), cyberTermsZH...) {
		fmt.Fprintf(bw, "      - %s\n", strconv.Quote(t))
	}
	bw.WriteString(`
extract: [cve, indicators]

outputs:
  - name: cyber-security
    title: Cyber-security
    tags: [cyber-security]
    limit: 100
  - name: all
    title: Everything
    limit: 200
`)
	return bw.Flush()
}
