package farm

import (
	"math/rand/v2"
	"strings"
)

var (
	outletPlacesEN = list(`Harbor|Northern|Valley|Capital|Metro|Coastal|Prairie|Lakeside|Riverside|Summit|Granite|Evening|Morning|Union|Pacific|Atlantic|Midland|Highland|Central|Western|Eastern|Southern|Bay|Hillside`)
	outletPapersEN = list(`Times|Herald|Courier|Ledger|Gazette|Post|Tribune|Observer|Chronicle|Dispatch|Record|Journal|Wire|Sentinel|Monitor|Examiner|News|Express`)
	outletSecEN    = list(`Security Weekly|Threat Report|Breach Watch|Cyber Desk|Infosec Review|Security Ledger`)
	outletPlacesZH = list(`江城|东海|南方|北方|华夏|长河|金陵|西部|中原|海峡|天府|燕赵|齐鲁|荆楚|岭南|江南|塞北|滨海|湖畔|山城`)
	outletPapersZH = list(`日报|晚报|晨报|时报|新闻网|商报|都市报|快讯|周刊|在线`)
	outletSecZH    = list(`安全资讯|网络安全周刊|安全观察|威胁情报站|信息安全报`)
)

// outletEN names an English outlet and describes it.
func outletEN(r *rand.Rand, security bool) (title, desc string) {
	place := pick(r, outletPlacesEN)
	if security {
		return place + " " + pick(r, outletSecEN), "News and analysis on cyber-security, breaches and threats."
	}
	return "The " + place + " " + pick(r, outletPapersEN), "Latest news from home and abroad: business, politics, sport, weather and science."
}

// outletZH names a Chinese outlet and describes it.
func outletZH(r *rand.Rand, security bool) (title, desc string) {
	place := pick(r, outletPlacesZH)
	if security {
		return place + pick(r, outletSecZH), "网络安全新闻与分析，关注数据泄露与网络威胁。"
	}
	return place + pick(r, outletPapersZH), "国内外最新资讯：财经、时政、体育、天气与科技。"
}

// slug makes a URL path segment of the first words of s: lower-case
// ASCII letters and digits joined by dashes.
func slug(s string, words int) string {
	var b strings.Builder
	n := 0
	inWord := false
	for i := 0; i < len(s) && n < words; i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			if inWord {
				n++
				inWord = false
			}
			continue
		}
		if !inWord && b.Len() > 0 {
			b.WriteByte('-')
		}
		inWord = true
		b.WriteByte(c)
	}
	return b.String()
}
