package farm

// Format is a feed's syndication format.
type Format uint8

// Formats, in the order of their shares.
const (
	RSS  Format = iota // RSS 2.0, served as .xml
	Atom               // Atom 1.0, served as .xml
	JSON               // JSON Feed 1.1, served as .json
)

func (f Format) String() string { return [...]string{"rss", "atom", "json"}[f] }

// Ext is the file extension the feed is served with.
func (f Format) Ext() string {
	if f == JSON {
		return ".json"
	}
	return ".xml"
}

// Fault is how a feed misbehaves.
type Fault uint8

// Faults.
const (
	NoFault     Fault = iota
	Slow              // answers after Options.Slow
	ServerError       // 500
	TooMany           // 429 with Retry-After: 60
)

func (f Fault) String() string { return [...]string{"none", "slow", "5xx", "429"}[f] }
