package farm

// english is the English grammar: news-wire sentences about six topics.
// Only cyber-security templates use the terms of gleaner's
// cyber-security rule (ransomware, malware, phishing, botnet,
// vulnerability, hackers…); the other topics stay clear of them.
var english = compile(source{
	first:     `James|Maria|Daniel|Sofia|Michael|Anna|David|Laura|Thomas|Elena|Peter|Sarah|Robert|Emma|Lucas|Olivia|Mark|Hannah|Paul|Grace|Samuel|Chloe|Adam|Nina|Oliver|Ruth|Victor|Alice|Jonas|Clara|Ibrahim|Amina|Rahul|Priya|Kenji|Yuki|Carlos|Lucia|Andrei|Ingrid`,
	last:      `Smith|Garcia|Muller|Rossi|Novak|Kowalski|Jensen|Okafor|Mensah|Patel|Sharma|Tanaka|Sato|Kim|Park|Nguyen|Santos|Silva|Fernandez|Lopez|Dubois|Martin|Bernard|Weber|Fischer|Larsen|Nielsen|Andersson|Virtanen|Murphy|Kelly|Walsh|Brown|Taylor|Wilson|Clarke|Hughes|Morgan|Evans|Reid|Campbell|Stewart|Baker|Hall|Wright|Young|King|Scott|Green|Adams`,
	cities:    `London|Paris|Berlin|Madrid|Lisbon|Rome|Vienna|Prague|Warsaw|Dublin|Oslo|Stockholm|Helsinki|Copenhagen|Amsterdam|Brussels|Zurich|Athens|Istanbul|Cairo|Nairobi|Lagos|Johannesburg|Mumbai|Delhi|Bangkok|Singapore|Jakarta|Manila|Seoul|Tokyo|Osaka|Sydney|Melbourne|Auckland|Toronto|Vancouver|Montreal|Chicago|Boston|Denver|Seattle|Houston|Atlanta|Miami|Mexico City|Bogota|Lima|Santiago|Buenos Aires`,
	countries: `Britain|France|Germany|Spain|Portugal|Italy|Austria|Poland|Ireland|Norway|Sweden|Finland|Denmark|the Netherlands|Belgium|Switzerland|Greece|Turkey|Egypt|Kenya|Nigeria|South Africa|India|Thailand|Indonesia|the Philippines|South Korea|Japan|Australia|New Zealand|Canada|Mexico|Brazil|Argentina|Chile`,
	days:      `Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday`,
	months:    `January|February|March|April|May|June|July|August|September|October|November|December`,
	choices: map[string]string{
		"said":      `said|noted|stated|told reporters|added|confirmed|explained|said in a statement`,
		"rose":      `rose|climbed|increased|jumped|grew|edged up|advanced`,
		"fell":      `fell|dropped|declined|slipped|dipped|slid|eased`,
		"big":       `significant|major|substantial|considerable|notable|welcome`,
		"expected":  `expected|likely|set|due`,
		"officials": `officials|authorities|local leaders|community representatives`,
		"quickly":   `quickly|as soon as possible|without delay|urgently|promptly`,
		"about":     `about|around|roughly|nearly|almost|more than|some`,
		"analysts":  `analysts|economists|market watchers|strategists`,
		"when": `
			on {day}
			late on {day}
			earlier this week
			on {day} morning
			this week
			on {day} evening`,
		"later": `
			later this month
			in the coming weeks
			before the end of {month}
			next week
			in the coming days
			in {month}`,
		"stem":        `Northwind|Bluefin|Ironbridge|Silverline|Redwood|Crescent|Meridian|Halcyon|Keystone|Orion|Granite|Cobalt|Juniper|Falcon|Evergreen|Pioneer|Beacon|Harborview|Lumen|Atlas|Vantage|Sterling|Apex|Tidewater|Cedarbrook|Brightwater|Stonegate|Westfield|Kestrel|Larkspur|Ashford|Copperfield|Blue Ridge|Summerhill|Oakmont|Riverstone|Windmere|Highgate|Fairhaven|Thornbury`,
		"sector":      `hospitals|water utilities|local councils|schools|logistics companies|banks|manufacturers|energy suppliers|universities|retailers`,
		"victimkind":  `Health System|Hospital Group|Logistics|Bank|Telecom|Energy|Water Authority|University|Retail Group|Insurance|Manufacturing|Airlines|Freight|Credit Union`,
		"productkind": `VPN Gateway|Mail Server|File Transfer Suite|Firewall|Remote Access Client|Web Portal|Backup Appliance|Router Firmware|Help Desk Software|Print Server`,
		"mwa":         `Black|Night|Shadow|Iron|Silent|Crimson|Ghost|Frost|Venom|Storm|Dark|Rust|Hollow|Grim|Cold|Void`,
		"mwb":         `Spider|Lock|Fang|Hydra|Wolf|Mantis|Viper|Raven|Cat|Bear|Moth|Serpent|Jackal|Kraken|Wasp|Crypt`,
		"econkind":    `Holdings|Capital|Logistics|Motors|Energy|Foods|Steel|Retail Group|Airlines|Pharmaceuticals|Telecom|Chemicals|Shipping|Textiles|Electronics`,
		"finkind":     `Securities|Bank|Capital Markets|Asset Management|Economics|Investment Bank|Wealth Partners`,
		"mascot":      `Rovers|United|Falcons|Tigers|Wanderers|Athletic|Rangers|Sharks|Eagles|Lions|Royals|Comets|Harriers|Dynamo|Hornets|Mariners`,
		"stormname":   `Hazel|Ingrid|Jasper|Kenji|Lorna|Milo|Nadia|Oscar|Petra|Quentin|Rosa|Silas|Tamsin|Ulrich|Vera|Walter|Xenia|Yusuf|Zelda|Amara|Bruno|Celeste|Dorian|Elsa|Felix|Gita|Hector|Iris|Jonas|Kira`,
		"river":       `Alder|Brook|Cedar|Dane|Elm|Fenwick|Glen|Hart|Ivy|Kell|Lune|Marsh|Ness|Ord|Pike|Quill|Rye|Sable|Tarn|Wren`,
		"partyadj":    `Progressive|Conservative|Liberal|Democratic|People's|Green|Reform|Labour|National|Centre|Social|Republican|Unity|Alliance|Farmers'|Popular|Citizens'|Freedom|Renewal|Solidarity|Heritage|Civic|Workers'|Independence|New Democratic|Federal|Regional|Christian Democratic|Moderate|Radical`,
		"ministry":    `Finance|Health|Education|Transport|Housing|Agriculture|Justice|Foreign Affairs|Labour|the Environment|Culture|Defence|Trade|Energy|the Interior|Digital Affairs|Tourism|Science|Sport|Fisheries|Social Affairs|Industry|Local Government|Water Resources|Veterans Affairs|Family Affairs|Public Works|Infrastructure`,
		"policy":      `Housing|Pensions|Clean Water|Rail|Public Health|Digital Services|Farm Support|School Funding|Energy Transition|Tax|Childcare|Coastal Protection|Rural Roads|Public Transport|Broadband|Water Quality|Elderly Care|Flood Defence|Tourism|Fisheries|Youth Employment`,
		"animal":      `frog|beetle|orchid|gecko|catfish|bat|spider|shrimp|songbird|lizard|moth|salamander`,
		"journal":     `Earth and Life|Applied Biology Letters|Planetary Science Review|Molecular Research|Ocean Science Today|Annals of Physical Research|Frontiers of Discovery`,
	},
	topics: [numTopics]topicSource{
		topicCyber: {
			categories: `Security|Technology|Cybercrime|Data Protection`,
			roles:      `head of threat research|chief information security officer|a senior threat analyst|director of incident response|a principal security researcher|vice president of security operations|a malware analyst`,
			orgs: `
				{stem} {victimkind}
				{stem} {victimkind}
				the City of {city}
				{city} {victimkind}`,
			orgs2: `
				{stem} Labs
				{stem} Security
				{stem} Threat Intelligence
				{stem} Cyber Defense
				{stem} Research`,
			things:  `{mwa}{mwb}`,
			things2: `{stem} {productkind}`,
			headlines: `
				{org} hit by ransomware attack, {n} sites disrupted in {city} || Ransomware gang demands {money} from {org} after attack on {n} sites
				{org2} warns of new {thing} malware after {n3} infections || New {thing} malware strain infects {n3} computers, {org2} says
				Hackers exploit {cve} in {thing2}, {org2} warns || Critical vulnerability {cve} in {thing2} rated {cvss} under active attack
				Phishing campaign targets {n3} {org} customers with fake invoices || {org} warns {n3} customers of phishing emails posing as bills
				{org} discloses data breach affecting {n3} customers || Hackers steal personal data of {n3} {org} customers in cyberattack
				Police take down {thing} botnet of {n3} hijacked devices || {n} countries join operation against {thing} botnet of {n3} devices
				{org} pays {money} ransom after {thing} attack, sources say || {thing} gang receives {money} from {org}, according to sources
				{country} fines {org} {money} over data breach affecting {n3} people || Regulator in {country} orders {org} to pay {money} after {n3} records leaked`,
			leads: `
				{org} {said} {when} that a ransomware attack had disrupted systems at {n} of its sites, forcing staff in {city} to fall back on paper records. || A ransomware attack on {org} has knocked out computer systems at {n} sites, and staff in {city} have been told to keep working on paper, the organisation {said} {when}. || Systems at {n} sites run by {org} were hit by ransomware {when}, leaving employees in {city} to work with pen and paper while the network is rebuilt.
				Security researchers at {org2} {said} {when} that a new malware strain dubbed {thing} has infected {about} {n3} computers since {month}. || A malware strain that {org2} has named {thing} has spread to {about} {n3} computers since {month}, the security firm {said} {when}. || {about} {n3} infections since {month} have been traced to a new piece of malware called {thing}, according to analysts at {org2}.
				Attackers are exploiting a critical vulnerability tracked as {cve} in {thing2}, according to an advisory published {when} by {org2}. || {org2} warned {when} that hackers were actively exploiting {cve}, a flaw in {thing2} rated {cvss} out of 10. || Organisations running {thing2} were told {when} to patch {cve} urgently, after {org2} saw attackers using the vulnerability in the wild.
				{about} {n3} customers of {org} have been targeted by a phishing campaign that imitates the company's billing emails, the firm {said} {when}. || Fake invoices sent by email to {about} {n3} customers of {org} are part of a phishing campaign, the company {said} {when}. || Criminals posing as {org} have emailed fake bills to {about} {n3} customers in a phishing scheme, the firm warned {when}.
				{org} {said} {when} that hackers had stolen personal data belonging to {about} {n3} customers in a cyberattack discovered in {month}. || Personal details of {about} {n3} customers were stolen in a cyberattack on {org} that was first noticed in {month}, the company {said} {when}. || Hackers who broke into {org} in {month} made off with the personal data of {about} {n3} customers, the company disclosed {when}.
				Police in {country} and {n} other countries have dismantled the {thing} botnet of {about} {n3} hijacked routers and cameras, investigators {said} {when}. || Investigators from {country} and {n} partner countries have taken down the {thing} botnet, which controlled {about} {n3} hijacked devices, police {said} {when}. || A botnet known as {thing}, made up of {about} {n3} infected routers and cameras, was shut down {when} by police from {country} and {n} other states.
				{org} paid a ransom of {money} to the {thing} ransomware gang after an attack in {month}, according to {n} people familiar with the matter. || Sources said {when} that {org} had handed {money} to the group behind the {thing} ransomware to recover files encrypted in {month}. || The {thing} ransomware group collected {money} from {org} in exchange for a decryption key, {n} people with knowledge of the payment {said}.
				The data protection regulator in {country} fined {org} {money} {when} over a data breach that exposed records of {about} {n3} people. || {org} must pay {money} after failing to protect personal data of {about} {n3} customers from hackers, the regulator in {country} ruled {when}. || Regulators in {country} imposed a {money} penalty on {org} {when} for a breach in which hackers obtained data on {about} {n3} people.`,
			body: `
				The attackers demanded a ransom of {money} in cryptocurrency, according to a person familiar with the incident.
				Researchers at {org2} linked the intrusion to the {thing} ransomware group, which has been active since {year}.
				The company {said} it had informed regulators and hired outside incident responders to investigate the breach.
				Patches for the vulnerability were released {when}, and administrators were urged to install them {quickly}.
				Investigators believe the hackers first got in through a phishing email opened by an employee in {city}.
				The botnet was used to launch DDoS attacks against {about} {n2} websites, including several government portals in {country}.
				Data stolen in the attack on {org}, including names, addresses and account numbers, later appeared on a leak site run by the gang.
				{person}, {role} at {org2}, {said} the malware spreads through malicious email attachments and fake software updates.
				The national cyber security agency in {country} {said} it was aware of the incident and was working with the affected organisation.
				The flaw carries a severity score of {cvss} out of 10, and proof-of-concept exploit code has been published online.
				Security teams at {sector} were advised to reset passwords, turn on multi-factor authentication and check remote access logs for signs of intrusion.
				The gang behind {thing} has claimed {about} {n2} victims worldwide, according to figures compiled by {org2}.
				It was not immediately clear whether payment card details of customers in {city} had been accessed by the hackers.
				The incident is the latest in a series of cyberattacks on {sector} in {country} this year.
				Law enforcement agencies from {n} countries took part in the operation, which seized servers used to control infected machines.
				{last} {said} criminal groups were increasingly buying stolen passwords from initial access brokers instead of breaking in themselves.
				Appointments at clinics in {city} were rescheduled while systems were restored from backups.
				The maker of {thing2} {said} it had found no evidence that the vulnerability was exploited before {month}.
				The breach was discovered in {month} after unusual network traffic was spotted by an administrator late at night.
				Backup systems allowed {org} to restore most services within {n} hours, a spokesperson said.
				A ransom note left on affected servers gave the company {n} days to pay before the data would be published.
				Cyber insurance claims linked to ransomware have risen sharply since {year}, according to industry estimates.
				According to {org2}, the malware disables antivirus tools before encrypting files and deleting backup copies.
				{org2} published indicators of compromise so that other organisations can search their own networks.
				Several of the stolen files appeared to contain internal emails and scanned contracts from the {city} office.
				Officials at {org} declined to say whether the ransom had been paid.
				The phishing messages use convincing logos and link to lookalike domains registered in {month}.
				Some versions of {thing} steal browser cookies, allowing attackers to bypass login checks.
				Regulators in {country} can impose fines of up to {pct2} percent of annual turnover for serious data protection failures.
				The vulnerability affects versions released over the past {n} months, the vendor's advisory shows.
				{person2}, a former government security official, said the attack showed how exposed {sector} remain.
				Staff in {city} were told to disconnect laptops from the network while specialists examined the damage.`,
		},
		topicEconomy: {
			categories: `Business|Economy|Markets|Companies`,
			roles:      `chief executive|chief financial officer|chief economist|head of investor relations|chairman|a senior analyst|head of research`,
			orgs:       `{stem} {econkind}`,
			orgs2:      `{stem} {finkind}`,
			things:     `electric vans|budget flights|frozen foods|steel pipes|home loans|mobile contracts|solar panels|diesel engines|kitchen appliances|office furniture|farm machinery|container shipping|generic medicines|sports shoes`,
			things2:    `consumer spending|factory orders|retail sales|business investment|new home sales|export orders|industrial output|household borrowing|mortgage approvals|wage growth|tourism receipts|commodity prices`,
			headlines: `
				{org} shares slide {pct}% after {month} profit warning || {org} cuts profit outlook, shares down {pct}% in {city} trading
				{country} consumer prices up {pct2}% in {month}, below {pct}% forecast || Inflation in {country} eases to {pct2}% in {month} as {thing2} cools
				{org} to cut {n3} jobs as demand for {thing} slows || {org} plans {n3} job cuts over {n} months
				{country} central bank holds rates at {pct2}% as {person} urges patience || Governor {person} keeps {country} rates at {pct2}%, cautious on {thing2}
				{org} agrees {money} takeover of {city} rival || {org} to buy {city} rival for {money} in {thing} deal
				{org2} data shows {city} house prices up {pct}% in {month} || House prices in {city} rise for {n} months in a row, {org2} says
				{org} posts record quarterly revenue of {money} on strong {thing} sales || Strong {thing} sales lift {org} revenue to record {money}
				{org} chief executive {person} to step down after {n} years || {person} to leave {org} top job in {month}
				{org} opens {money} plant in {city} with {n3} jobs || New {money} {org} factory in {city} to employ {n3}`,
			leads: `
				{org} {said} {when} that annual profit would fall short of forecasts, sending its shares down {pct} percent in early trading in {city}. || Shares in {org} fell {pct} percent in {city} {when} after the company warned that annual profit would miss expectations. || Investors sold shares in {org} {when}, pushing the stock down {pct} percent in {city}, after the firm cut its profit forecast for the year.
				Consumer prices in {country} rose {pct2} percent in {month} from a year earlier, official data showed {when}, slower than the {pct} percent economists had expected. || Annual inflation in {country} slowed to {pct2} percent in {month}, below the {pct} percent forecast by economists, according to figures released {when}. || Prices paid by consumers in {country} were {pct2} percent higher in {month} than a year before, the statistics office {said} {when}, less than the {pct} percent analysts expected.
				{org} plans to cut about {n3} jobs over the next {n} months as weaker demand for {thing} forces it to reorganise, the company {said} {when}. || About {n3} jobs will go at {org} over the next {n} months as the company responds to falling demand for {thing}, management {said} {when}. || Weak orders for {thing} will cost {about} {n3} workers at {org} their jobs over {n} months, under a restructuring plan announced {when}.
				The central bank of {country} left its benchmark interest rate unchanged at {pct2} percent {when}, with governor {person} saying the recovery in {thing2} remained uneven. || Governor {person} kept the benchmark rate of the central bank of {country} at {pct2} percent {when}, warning that {thing2} had yet to recover fully. || Interest rates in {country} stay at {pct2} percent after a central bank decision {when}, with governor {person} calling {thing2} still fragile.
				{org} has agreed to buy a smaller rival based in {city} for {money}, creating one of the largest suppliers of {thing} in {country}. || In a deal worth {money}, {org} will take over a rival based in {city}, making the combined group a leading supplier of {thing} in {country}. || {org} {said} {when} it would pay {money} for a competitor in {city}, a deal that would make it a dominant maker of {thing} in {country}.
				Average house prices in {city} {rose} {pct} percent in {month}, extending a run of monthly gains to {n}, according to figures from {org2}. || House prices in {city} climbed {pct} percent in {month}, the latest in a run of {n} monthly increases recorded by {org2}. || According to {org2}, the average home in {city} cost {pct} percent more in {month} than a month earlier, the latest of {n} consecutive monthly rises.
				{org} reported record quarterly revenue of {money} {when}, helped by strong demand for {thing} in {country}. || Strong sales of {thing} in {country} pushed quarterly revenue at {org} to a record {money}, the company {said} {when}. || Quarterly revenue at {org} reached a record {money}, the company reported {when}, as customers in {country} bought more {thing}.
				{person}, chief executive of {org} for the past {n} years, will step down in {month}, the company {said} {when}. || {org} {said} {when} that {person} would leave the top job in {month} after {n} years in charge. || After {n} years as chief executive, {person} will hand over the running of {org} in {month}, the board announced {when}.
				{org} opened a {money} factory in {city} {when} that will make {thing} and employ {about} {n3} people. || A new {org} plant in {city}, built at a cost of {money}, will employ {about} {n3} workers making {thing}, the company {said} {when}. || {about} {n3} people will work at the {money} factory that {org} opened in {city} {when} to produce {thing}.`,
			body: `
				Analysts at {org2} had expected a figure of {pct2} percent.
				The company's shares have {fell} {about} {pct} percent since the start of the year.
				{person}, {role} at {org}, {said} demand for {thing} in {city} had been weaker than expected over the winter.
				Retail sales {rose} {pct} percent in {month}, supported by higher wages and lower energy bills.
				The deal, worth {about} {money}, still needs approval from competition regulators in {country}.
				{analysts} {said} the figures pointed to a gradual recovery in {thing2} in the second half of the year.
				Unemployment held steady at {pct2} percent, according to the national statistics office.
				Factory output {fell} {pct} percent, its steepest monthly decline since {year}.
				Investors will look for further guidance when the company reports full-year results in {month}.
				The government has promised {money} in support for small businesses hit by higher borrowing costs.
				Trade unions in {city} {said} they would seek urgent talks with management over the planned job cuts.
				Bond yields {rose} slightly after the announcement, while the currency was little changed against the dollar.
				{org2} raised its growth forecast for {country} to {pct2} percent, citing stronger {thing2}.
				Shipping costs have eased since {month}, helping importers rebuild stocks ahead of the summer season.
				{last} told analysts on a conference call that the company would keep investing in {thing} despite the slowdown.
				Sales of {thing} account for {about} a third of the group's revenue, with much of the rest coming from {country2}.
				The company employs {about} {n3} people, {about} half of them in {city}.
				Wage growth slowed to {pct} percent, the lowest rate since {year}.
				The firm's order book stood at {money} at the end of {month}, down from a year earlier.
				{org} also announced a share buyback programme worth {money}.
				Energy prices, which surged last year, have fallen back to their lowest level in {n} months.
				The trade surplus widened to {money} as imports of machinery fell.
				Small manufacturers in {city} have complained about rising costs for raw materials and transport.
				The currency has weakened by {pct} percent against the euro this year, making imports more expensive.
				Consumer confidence improved in {month}, according to a monthly survey by {org2}.
				Credit card spending in {country} rose most sharply on travel and restaurants, {org2} {said}.
				Management said cost savings of {money} a year would be achieved by the end of next year.
				The group's debt has doubled since {year}, worrying some bondholders.
				Several ratings agencies are reviewing the credit rating of {org}.
				Car sales {rose} {pct} percent year on year, led by demand for {thing}.
				Pension funds in {country} have been increasing their holdings of domestic bonds.`,
		},
		topicSport: {
			categories: `Sport|Football|Results`,
			roles:      `head coach|captain|striker|goalkeeper|midfielder|team manager|sporting director|winger|defender`,
			orgs:       `{city} {mascot}`,
			orgs2:      `{city2} {mascot}`,
			things:     `the {country} Cup|the Continental Championship|the league title|the Champions Trophy|the {city} Open|the national championship|the Super Series final|the regional play-offs|the {city2} Trophy|the Spring Cup|the Winter Classic|the Atlantic League final|the Golden Shield|the Federation Cup`,
			things2:    `knee|hamstring|ankle|shoulder|calf|back|groin|wrist`,
			headlines: `
				{org} beat {org2} {score} to reach final of {thing} || {person} strikes late as {org} see off {org2} to reach final of {thing}
				{person} scores twice as {org} edge {org2} {score} || {org} hold off {org2} fightback to win {score} in front of {n3} fans
				{org} appoint {person} as head coach on {n}-year deal || {person} named new head coach of {org} on {n}-year contract
				{org2} knocked out of {thing} by {org} after penalty shootout || {org} beat {org2} on penalties in {city} to advance in {thing}
				Record crowd of {n3} sees {org} clinch {thing} || {org} win {thing} for first time since {year} before {n3} fans
				{org} {role} {person} ruled out for {n} weeks with {thing2} injury || {thing2} injury sidelines {person} for {n} weeks in blow to {org}
				{org} sign {person} from {org2} for {money} || {person} completes {money} move from {org2} to {org}
				{org} sack coach {person} after {n} defeats in a row || {person} dismissed by {org} following run of {n} straight losses`,
			leads: `
				{org} beat {org2} {score} on {day} to reach the final of {thing}, with {person} scoring the decisive goal {n} minutes from time. || {person} scored the winner {n} minutes from the end as {org} beat {org2} {score} on {day} and booked a place in the final of {thing}. || A late goal by {person}, {n} minutes before the final whistle, sent {org} into the final of {thing} after a {score} win against {org2} on {day}.
				{person} scored twice as {org} held off a late fightback from {org2} to win {score} in front of {n3} fans. || Two goals from {person} gave {org} a {score} win over {org2}, watched by a crowd of {n3}. || {org} beat {org2} {score} as {person} struck twice in front of {n3} supporters.
				{org} have appointed {person} as their new head coach on a {n}-year contract, the club announced {when}. || {person} has been named head coach of {org} and has signed a contract for {n} years, the club {said} {when}. || {org} announced {when} that {person} would take over as head coach on a deal running for {n} years.
				{org2} are out of {thing} after losing a penalty shootout to {org} in {city} {when}. || {org} knocked {org2} out of {thing} on penalties in {city} {when} after the match finished level. || Penalties decided the tie in {city} {when}, with {org} going through in {thing} at the expense of {org2}.
				A record crowd of {n3} watched {org} win {thing} {when}, ending a wait for silverware that stretched back to {year}. || {org} lifted {thing} {when} in front of a record {n3} spectators, their first trophy since {year}. || In front of a record crowd of {n3}, {org} won {thing} {when} for the first time since {year}.
				{org} will be without {person} for {about} {n} weeks after scans confirmed a {thing2} injury, the club {said} {when}. || A {thing2} injury will keep {person} out of the {org} team for {about} {n} weeks, the club confirmed {when}. || {org} will be without {person}, who has a {thing2} injury, for {about} {n} weeks, the club {said} {when}.
				{org} have signed {person} from {org2} for a fee of {money}, the club announced {when}. || {person} has joined {org} from {org2} in a deal worth {money}, both clubs confirmed {when}. || {person} moved from {org2} to {org} {when} for a transfer fee of {money}.
				{org} dismissed head coach {person} {when} after a run of {n} consecutive defeats left the club near the bottom of the table. || {person} has been sacked as head coach of {org} following {n} defeats in a row, the club {said} {when}. || After {n} straight defeats, {org} parted company with head coach {person} {when}.`,
			body: `
				{person}, the {role}, {said} the team had shown great character after falling behind early in the first half.
				{org2} had the better of the opening exchanges but failed to turn their pressure into goals.
				The result lifts {org} to second in the table, {n} points behind the leaders.
				{person2}, who joined from {org2} in {year}, was named player of the match.
				The home side dominated possession and finished with {n} shots on target.
				Tickets for the final in {city2} are {expected} to sell out within hours.
				{last} has scored {n} goals in all competitions this season.
				The coach made three changes to the side that lost to {org2} the previous weekend.
				Supporters travelled from {city} in large numbers and sang throughout the second half.
				The club {said} the medical staff would assess the {thing2} injury again in {month}.
				A spokesperson for the league {said} the match had been watched by a television audience of {about} {n3}.
				{org2} had a goal ruled out for offside shortly before half-time.
				{org} have lost only once in their last {n} matches.
				The board is {expected} to discuss a new contract for the coach before the end of {month}.
				{person2}, {role} of {org2}, {said} the team would learn from the defeat.
				Rain fell steadily throughout the match in {city}, making the pitch heavy in the closing stages.
				The goalkeeper made {n} saves, including a fine stop from close range just before the break.
				{person2} limped off midway through the second half and was replaced by a young substitute.
				It was the first time {org2} had lost at home since {month}.
				Ticket prices for next season will rise by {pct} percent, the club confirmed.
				A minute's applause was held before kick-off in memory of a former {org} captain.
				The referee showed {n} yellow cards in a bad-tempered second half.
				{org} will face the winners of the other semi-final in {city2} next month.
				The club's new stadium, which holds {n3} spectators, was almost full.
				Both sides struggled to create chances in a cautious opening half hour in {city}.
				The striker's header from a corner opened the scoring after {n} minutes.
				Attendance has risen sharply this season, with an average crowd of {n3}.
				The coach declined to discuss rumours linking {person2} with a move abroad.
				The defeat leaves {org2} close to the relegation places with only a handful of games remaining.
				Highlights of the match will be shown on national television on {day} evening.`,
		},
		topicWeather: {
			categories: `Weather|Environment|Climate`,
			roles:      `forecaster|chief meteorologist|duty forecaster|climate scientist|emergency coordinator|senior hydrologist`,
			orgs: `
				the {country} Meteorological Service
				the national weather service
				the {city} Weather Bureau
				the regional forecasting centre
				the {city} Met Office
				the {country} Weather Agency`,
			orgs2: `
				the {city} emergency management office
				the national flood agency
				the {city} transport authority
				the coast guard
				the {city} fire service
				the {country} Red Cross
				the {city} police
				the {country} civil protection agency
				the {city} water board`,
			things:  `Storm {stormname}|Typhoon {stormname}|Cyclone {stormname}|Tropical Storm {stormname}|Hurricane {stormname}`,
			things2: `the {river} River`,
			headlines: `
				{thing} brings {n2} mm of rain and strong winds to {city} || {city} battered by {thing} as {n2} mm of rain falls
				Heat warning for {city} as {temp}-degree temperatures drive {n3} to cooling centres || {city} swelters at {temp} degrees as {n3} seek shelter in cooling centres
				Flooding forces {n3} residents from homes along {thing2} || {n3} evacuated as {thing2} bursts its banks near {city}
				Snow cancels {n2} flights at {city} airport, stranding {n3} passengers || {n3} passengers stranded as ice grounds {n2} flights in {city}
				{country} swelters through warmest {month} since {year} as {city} hits {temp}C || {city} reaches {temp} degrees as {country} records warmest {month} since {year}
				Drought declared in {n} districts around {city}, {n3} hectares of crops at risk || {n3} hectares of crops at risk as drought hits {n} districts near {city}
				{thing} weakens after landfall near {city}, {n3} homes without power || {n3} homes lose power as {thing} makes landfall near {city}
				Wildfire near {city} forces {n3} to flee as {temp}-degree heat persists || {n3} evacuated from wildfire near {city} amid {temp}C heat
				Hailstorm damages {n3} cars and roofs in {city} || Hailstones as big as golf balls hit {city}, damaging {n3} vehicles`,
			leads: `
				{thing} swept across {city} {when}, bringing {about} {n2} millimetres of rain and gusts strong enough to bring down trees and power lines. || {about} {n2} millimetres of rain fell on {city} {when} as {thing} brought strong winds that toppled trees and power lines. || {thing} lashed {city} {when}, dumping {about} {n2} millimetres of rain and bringing down trees and power lines.
				{org} issued its highest heat warning for {city} {when} as temperatures climbed to {temp} degrees Celsius, and {about} {n3} people sought shelter in cooling centres. || Temperatures in {city} reached {temp} degrees Celsius {when}, prompting {org} to issue its top heat warning as {about} {n3} people used cooling centres. || {org} raised its heat alert for {city} to the highest level {when}, with temperatures of {temp} degrees sending {about} {n3} people to cooling centres.
				{about} {n3} residents were evacuated from homes along {thing2} near {city} {when} after days of heavy rain pushed water levels to record highs. || Rising water on {thing2} forced {about} {n3} people near {city} to leave their homes {when} after several days of heavy rain. || Floodwater from {thing2} forced the evacuation of {about} {n3} residents near {city} {when} after days of persistent rain.
				Heavy snow and freezing rain forced the cancellation of {n2} flights at {city} airport {when}, leaving {about} {n3} passengers stranded. || {n2} flights were cancelled at {city} airport {when} because of snow and ice, and {about} {n3} passengers were left stranded. || Snow and ice grounded {n2} flights at {city} airport {when}, stranding {about} {n3} travellers.
				{country} recorded its warmest {month} since {year}, {org} {said} {when}, with temperatures in {city} peaking at {temp} degrees. || Temperatures in {city} peaked at {temp} degrees as {country} had its warmest {month} since {year}, according to {org}. || It was the warmest {month} in {country} since {year}, {org} {said} {when}, and {city} recorded a high of {temp} degrees.
				Authorities declared a drought in {n} districts around {city} {when}, warning that {about} {n3} hectares of crops could fail. || A drought has been declared in {n} districts near {city}, putting {about} {n3} hectares of farmland at risk, authorities {said} {when}. || {n} districts around {city} are now officially in drought, authorities {said} {when}, with {about} {n3} hectares of crops at risk.
				{thing} made landfall near {city} {when}, cutting power to {about} {n3} homes before weakening over land. || {about} {n3} homes near {city} lost power {when} as {thing} came ashore and then weakened over land. || {thing} came ashore near {city} {when} and cut electricity to {about} {n3} homes before losing strength.
				A wildfire burning near {city} forced {about} {n3} people to leave their homes {when} as temperatures stayed above {temp} degrees. || Firefighters battled a wildfire near {city} {when} that had driven {about} {n3} residents from their homes in {temp}-degree heat. || {about} {n3} people fled a wildfire close to {city} {when}, with temperatures above {temp} degrees hampering firefighters.
				A violent hailstorm swept through {city} {when}, damaging roofs and {about} {n3} parked cars, {org2} {said}. || Hail the size of golf balls fell on {city} {when}, smashing windows and damaging {about} {n3} vehicles, according to {org2}. || {about} {n3} cars were damaged when a hailstorm struck {city} {when}, {org2} {said}.`,
			body: `
				{person}, a {role} at {org}, {said} conditions were {expected} to improve by the weekend.
				Emergency crews rescued {n} people from cars trapped by rising water near {city2}.
				{org2} advised residents to avoid unnecessary travel and to stay away from the coast.
				Power was cut to {about} {n3} homes at the height of the storm, the grid operator {said}.
				Schools in {city} will remain closed until at least {day}.
				Farmers near {city2} have warned that crops could fail if rain does not arrive within weeks.
				Forecasters expect up to {n} centimetres of snow on higher ground overnight.
				Water levels on {thing2} were {about} {pct} metres above normal on {day}.
				The heat has pushed electricity demand in {city} to a record high, raising fears of blackouts.
				{officials} opened {n} cooling centres in public libraries and sports halls.
				Several roads into {city2} were blocked by fallen trees and debris.
				{org} {said} the unusual pattern was linked to warmer sea temperatures off the coast of {country}.
				Insurers {said} it was too early to estimate the cost of the damage, but early figures suggested {money}.
				Ferry services from {city} to the islands were suspended and the port was closed to shipping.
				The last time {city} saw comparable conditions was in {year}, when {n} people died.
				Trains between {city} and {city2} were cancelled after a landslide blocked the line.
				Hospitals in {city} reported a rise in patients suffering from heat exhaustion {when}.
				Wind gusts of more than {n}0 kilometres per hour were recorded on exposed coasts.
				The grid operator in {country} asked households to limit the use of air conditioning during the afternoon peak.
				Reservoir levels have fallen to {n} percent of capacity, the lowest since {year}.
				Volunteers handed out bottled water and sandbags in the worst-hit neighbourhoods of {city}.
				Fishermen in {country} were warned not to put to sea until the weather settles.
				Farmers around {city2} have begun moving livestock to higher ground.
				Temperatures in {city} are forecast to drop sharply later in the week as cooler air moves in from the north.
				Firefighters pumped water out of {n} underground car parks overnight.
				Some schools in {city2} opened late to allow staff to clear snow from playgrounds and paths.
				{thing} is the strongest storm to hit the region in more than a decade.
				Air quality warnings were also issued in {city2} because of dust carried by the wind.
				Emergency funds of {money} have been made available to the worst-affected districts.`,
		},
		topicPolitics: {
			categories: `Politics|World|Government`,
			roles:      `finance minister|leader of the opposition|prime minister|health minister|party chairman|speaker of parliament|foreign minister|interior minister|deputy mayor`,
			orgs:       `the {partyadj} Party`,
			orgs2:      `the Ministry of {ministry}`,
			things:     `the {policy} Reform Bill|the {policy} Act|the {policy} Investment Plan|the {policy} Strategy`,
			things2:    `rising housing costs|hospital waiting lists|rural bus services|teacher shortages|energy bills|the cost of childcare|pension reform|road maintenance|flood defences|public transport fares|prison overcrowding|care for the elderly|rural broadband|youth unemployment|school meals|air pollution|water quality|doctor shortages|police funding|social housing`,
			headlines: `
				Parliament passes {thing} by {n2} votes after {n}-hour debate || {thing} clears parliament with {n2} votes in favour after {n} hours
				{person} resigns as {role} after row over {thing2} || {role} {person} quits amid criticism over {thing2}
				{country} and {country2} sign trade pact in {city} worth {money} || {money} trade deal between {country} and {country2} signed in {city}
				{org} demands inquiry into {thing} as costs reach {money} || Costs of {thing} hit {money} as {org} calls for inquiry
				Voters in {city} elect {person} as mayor with {pct2}-point swing || {person} wins {city} mayoral race on {pct2}-point swing
				{org} pledges {money} to tackle {thing2} ahead of {month} election || {money} for {thing2} is centrepiece of {org} campaign for {month} vote
				{role} {person} survives confidence vote by {n} votes || {person} clings on as {role} after winning confidence vote by {n} votes
				{person} named {role} in cabinet reshuffle of {n} posts || Cabinet reshuffle hands {role} post to {person} as {n} ministers change
				{country} to hold snap election on {month} {n} after coalition collapse || Coalition collapses in {country}, snap vote set for {month} {n}`,
			leads: `
				Parliament approved {thing} {when} by {n2} votes after a debate that lasted {n} hours, clearing the way for the measures to take effect in {month}. || After a {n}-hour debate, parliament passed {thing} {when} by {n2} votes, and the measures will take effect in {month}. || {thing} was approved by parliament {when} with {n2} votes after {n} hours of debate and will come into force in {month}.
				{person} resigned as {role} {when} following weeks of criticism over the government's handling of {thing2}. || {role} {person} stepped down {when} after weeks of criticism of the government's record on {thing2}. || Facing weeks of criticism over {thing2}, {person} quit as {role} {when}.
				{country} and {country2} signed a trade agreement in {city} {when} that both governments said was worth {money} a year. || A trade agreement worth {money} a year was signed by {country} and {country2} in {city} {when}. || {country} and {country2} concluded a trade deal in {city} {when}, valued by both governments at {money} a year.
				{org} called {when} for an independent inquiry into {thing}, saying costs had risen to {money}. || Saying that costs had reached {money}, {org} {when} demanded an independent inquiry into {thing}. || {org} {when} called for an inquiry into {thing}, whose costs it said had climbed to {money}.
				{person} was elected mayor of {city} {when}, winning {pct2} percentage points more than the party's candidate at the previous election. || {person} won the race for mayor of {city} {when} with a swing of {pct2} points compared with the previous election. || Voters in {city} chose {person} as mayor {when}, a {pct2}-point swing from the last election.
				{org} promised {when} to spend {money} on {thing2} if it wins the election in {month}. || Spending of {money} on {thing2} is the central promise of {org} ahead of the election in {month}, party leaders {said} {when}. || If elected in {month}, {org} will spend {money} on {thing2}, the party pledged {when}.
				{person} survived a confidence vote in parliament {when} by {n} votes, ending days of uncertainty over the future of the government. || {role} {person} held on to power {when} after winning a confidence vote in parliament by {n} votes. || {person} won a confidence vote by {n} votes {when} and remains {role}.
				{person} was appointed {role} {when} in a cabinet reshuffle that replaced {n} ministers. || The prime minister made {person} {role} {when}, one of {n} changes in a reshuffle of the cabinet. || A reshuffle of {n} cabinet posts {when} made {person} the new {role}.
				{country} will hold an early general election on {month} {n} after the governing coalition collapsed {when}, officials {said}. || A snap general election has been called in {country} for {month} {n}, following the collapse of the coalition {when}. || After the collapse of the governing coalition {when}, {country} will vote in a snap election on {month} {n}.`,
			body: `
				{person2}, {role} in the previous government, {said} the plan did not go far enough.
				The measure had been delayed twice since {month} amid disagreements within the governing coalition.
				Opinion polls suggest {org} has gained ground since the start of the year, particularly among younger voters.
				{org2} {said} the first payments would be made before the end of {month}.
				Critics argue that too little has been done about {thing2} for more than a decade.
				The opposition accused {org2} of rushing the vote without proper scrutiny.
				Turnout was {about} {pct2} percent higher than at the last election, according to the electoral commission.
				Under the proposals, local councils would receive an extra {money} over {n} years.
				{last} told reporters outside parliament that the decision had not been taken lightly.
				The agreement removes tariffs on {about} {n2} categories of goods, from machinery to farm produce.
				A spokesperson for {org2} declined to comment on the timetable for the next stage.
				Protesters gathered outside government buildings in {city} on {day} to oppose the changes.
				The bill now goes to the upper house, where the government of {country} lacks a majority.
				Business groups in {city} welcomed the announcement but called for more detail on how the scheme would be funded.
				{person} first entered parliament in {year} and served as a junior minister before taking up the role.
				The government holds a majority of {n} seats in the lower house.
				Several backbench members of {org} said they would vote against the measure.
				The finance ministry estimates the plan will cost {money} in its first year.
				Talks between coalition partners continued late into the night on {day}.
				A parliamentary committee will examine the details before a final vote in {month}.
				Public sector unions in {city} have threatened to strike if wages are not increased by {month}.
				The president is expected to sign the bill into law within {n} days.
				Local elections are due in {month}, and the issue is likely to feature heavily in the campaign.
				Officials from {country2} attended the signing ceremony in {city}.
				Ministers in {country} insist the reforms are needed to balance the budget by the end of the decade.
				An opinion poll published on {day} showed {pct2} percent of voters opposed the plan.
				The opposition leader described the result as a warning to {org}.
				Diplomats said the agreement had taken more than {n} rounds of negotiations.
				Campaign spending limits were raised last year to {money} per party.`,
		},
		topicScience: {
			categories: `Science|Research|Technology`,
			roles:      `professor of biology|lead author of the study|astrophysicist|marine ecologist|research fellow|director of the laboratory|geneticist|palaeontologist|materials scientist`,
			orgs: `
				the University of {city}
				the {stem} Institute
				the {city} Institute of Technology
				the {country} Academy of Sciences
				the {stem} Observatory
				{city} Medical School`,
			orgs2: `
				the {country} space agency
				the {stem} Foundation
				the {stem} Research Council
				the {city} Natural History Museum
				the {stem} Centre for Climate Research
				the {city} Botanical Garden
				the {stem} Trust`,
			things: `
				a previously unknown species of {animal}
				an Earth-sized exoplanet
				a new class of antibiotics
				a faint dwarf galaxy
				an ancient burial site
				a sodium-based battery chemistry
				a gene linked to ageing
				a fossilised {animal} colony
				a coral reef in deep water
				a comet on a long orbit
				a bacterium that digests plastic
				a previously unknown mineral
				a long-lost shipwreck
				a feathered dinosaur species
				a black hole in a nearby galaxy
				a protein linked to memory loss
				a cheap catalyst for making hydrogen
				an ancient trading settlement
				a small moon orbiting Saturn
				a drought-resistant strain of wheat`,
			things2: `the journal {journal}`,
			headlines: `
				{org} team led by {person} describes {thing} in {thing2} || {person} and colleagues at {org} identify {thing}
				{person} leads discovery of {thing} after {n}-year project || {n}-year project in {country} led by {person} yields {thing}
				Survey of {n3} samples from {city} reveals {thing} || {thing} found in {n3} samples collected near {city}
				{org2} awards {money} grant to {org} for work on {thing} || {org} researchers win {money} from {org2} to study {thing}
				{org} unveils {thing} at {city} conference || {thing} announced by {org} researchers at {city} meeting
				{org2} launches {money} satellite built by {org} team || Satellite built at {org} lifted into orbit by {org2} for {n}-year mission
				Trial at {org} finds new treatment helps {n} of {n2} patients || {org} trial led by {person}: new treatment benefits {n} of {n2} patients`,
			leads: `
				Scientists at {org} led by {person} have identified {thing}, according to a study published {when} in {thing2}. || Researchers at {org} working with {person} report in {thing2} that they have identified {thing}, the team {said} {when}. || {thing} has been identified by a team at {org} under {person}, according to a paper published {when} in {thing2}.
				A team led by {person}, {role} at {org}, has described {thing} after a {n}-year research project in {country}. || After {n} years of work in {country}, a group led by {person} of {org} has described {thing}. || Researchers at {org} led by {person} have described {thing} after {n} years of work in {country}.
				Researchers analysing {about} {n3} samples collected near {city} have found {thing}, a discovery they say could change how the field is studied. || An analysis of {about} {n3} samples taken near {city} has revealed {thing}, according to researchers. || {thing} was found after researchers examined {about} {n3} samples from near {city}.
				{org2} has awarded {money} to researchers at {org} to continue work on {thing}, the funder {said} {when}. || Researchers at {org} will receive {money} from {org2} to continue their work on {thing}, the two organisations {said} {when}. || {org2} is giving {money} to a team at {org} to continue research into {thing}, it {said} {when}.
				The discovery of {thing} by researchers from {org} was announced {when} at a conference in {city}, where it drew strong interest from other scientists. || Scientists from {org} presented {thing} at a conference in {city} {when}, attracting wide interest from colleagues. || At a conference in {city} {when}, researchers from {org} presented {thing}, drawing wide attention.
				A {money} satellite built by engineers at {org} was launched {when} by {org2} and will spend {n} years studying the upper atmosphere. || {org2} put a satellite designed at {org} into orbit {when}; the {money} mission is planned to last {n} years. || {org2} launched a {money} satellite built at {org} {when}, and it is expected to operate for {n} years.
				A new treatment tested at {org} improved symptoms in {n} of {n2} patients taking part in a trial led by {person}, researchers reported {when}. || Researchers led by {person} at {org} {said} {when} that {n} of the {n2} patients in their trial had benefited from the new treatment. || {n} of {n2} patients improved on a new treatment in a trial at {org} led by {person}, the researchers {said} {when}.`,
			body: `
				The findings were published in {thing2} after peer review.
				{person}, {role} at {org}, {said} the team had initially assumed the results were a measurement error.
				The work was funded in part by {org2}.
				Further tests are planned for {month} to confirm the results.
				The team used data collected over {n} years by instruments in {country} and {country2}.
				Independent experts {said} the study was carefully done but that the sample size was small.
				{last} {said} the next step would be to repeat the experiment with a larger group.
				The samples are now stored at a laboratory in {city2}, where they will be made available to other scientists.
				Similar results were reported by a group in {country2} in {year}, but they were not widely accepted at the time.
				The researchers {said} the discovery could help explain why some populations decline faster than others.
				Computer models suggested the effect was {about} {pct2} times larger than expected.
				The project involved {n} institutions and more than {n2} volunteers.
				{person2}, who was not involved in the research, described the result as a {big} step forward.
				The paper's authors, including {person2}, cautioned that the findings were preliminary.
				A public exhibition about the discovery will open in {city} in {month}.
				The researchers used a combination of satellite images and field surveys across {country}.
				Genetic analysis carried out in {city2} showed the population had been isolated for thousands of years.
				The sensitive camera of a telescope in {country2} was able to detect light that had travelled for millions of years.
				The team at {org} plans to publish its raw data so that others can check the analysis.
				Laboratory tests were carried out on {n} separate batches to rule out contamination.
				The research vessel spent {n} weeks at sea collecting samples from depths of more than {n2} metres.
				The work builds on earlier studies carried out at {org2} in {year}.
				Funding for the next phase, estimated at {money}, has not yet been secured.
				The site near {city} has been fenced off to prevent damage by visitors.
				Students from {n} universities helped with the fieldwork.
				Some scientists in {country2} questioned whether the method could be used on a larger scale.
				Images from the project will be made freely available online from {month}.
				The results could eventually lead to cheaper and more reliable products, {last} {said}.
				Measurements were repeated over {n} nights to make sure the signal was real.`,
		},
	},
	thesaurus: `
		disrupted|crippled|knocked out
		forcing|prompting|leading
		infected|compromised
		exploiting|abusing
		dismantled|shut down|taken down
		demanded|asked for
		linked|tied|attributed
		informed|notified|alerted
		hired|brought in|engaged
		investigate|examine|look into
		urged|advised
		install|apply|deploy
		believe|suspect|think
		launch|mount|carry out
		spreads|propagates
		working|cooperating
		carries|has been given
		check|inspect|go through
		claimed|listed
		compiled|put together
		accessed|obtained|viewed
		seized|confiscated
		rescheduled|postponed|delayed
		restored|recovered
		found|uncovered|discovered
		company|firm|business
		attackers|intruders|criminals
		researchers|experts|specialists
		employee|staff member|worker
		websites|web pages|online services
		customers|clients|users
		regulators|watchdogs|supervisors
		passwords|credentials|login details
		victims|=targets
		operation|crackdown
		figures|=statistics
		announcement|decision
		jobs|positions|roles
		side|squad
		match|game
		matches|games|fixtures
		fans|supporters|spectators
		residents|locals|inhabitants
		homes|properties
		crops|harvests
		roads|routes|streets
		debate|discussion
		measures|steps
		plan|proposal|scheme
		findings|=results
		samples|specimens
		experiment|trial|test
		institutions|organisations
		volunteers|participants
		critical|severe|serious
		weaker|softer|slower
		slightly|marginally|modestly
		gradual|=steady|=slow
		unusual|rare|unexpected
		closely|=carefully
		further|=additional
		several|a number of|multiple
		immediately|=yet
		increasingly|more and more
		welcomed|praised|applauded
		declined|refused
		promised|pledged
		approved|passed|adopted
		signed|concluded
		resigned|stepped down
		identified|detected
		awarded|granted
		assumed|believed|thought
		cautioned|=warned|=stressed
		suggested|=indicated|=showed
		evacuated|relocated|moved
		rescued|pulled|saved
		blocked|=closed|=cut off
		suspended|halted|cancelled
		improve|ease
		dominated|controlled
		finished|ended
		scored|netted
		appointed|=named
		announced|revealed
		lifts|=moves|=takes
		assess|evaluate
		discuss|consider
		expected|anticipated
		people|individuals
		officials|representatives
		latest|most recent
		series|=string
		affected|impacted
		personal|private
		malicious|booby-trapped|harmful
		fake|bogus|counterfeit
		servers|machines|computers`,
	wrappers: `Update: %s|%s, reports say|Latest: %s|%s: what we know`,
	generic: `
		{org} did not respond to a request for comment.
		The announcement came {when} after weeks of speculation in {city}.
		Further details are {expected} to be published {later}.
		{person}, who has held the post since {year}, declined to answer further questions.
		Local media in {city} reported similar figures earlier in the week.
		A full statement was posted on the organisation's website {when}.
		Reporters were told that a final decision would be made {later}.
		The news was welcomed by several groups in {city2}, although some urged caution.
		A spokesperson for {org} {said} more information would be shared {later}.
		It was not the first time {org} had faced such questions; a similar case drew attention in {year}.
		The situation is being closely watched in neighbouring {country2}.
		{officials} in {city} {said} they had not been consulted in advance.
		People in {city} reacted with a mixture of surprise and concern.
		The figures released by {org} have not been independently verified.
		{person} is {expected} to address the issue at a press conference {later}.
		Several questions remain unanswered, including how much the response will cost {country}.
		A similar situation was reported in {country2} {about} {n} years ago.
		According to {org}, the matter has been discussed with partners in {country2}.
		Commentators {said} the coming weeks would show whether the approach works.
		The story was first reported by a local newspaper in {city} on {day}.
		This article was updated on {day} with comments from {org}.
		{person2}, speaking on a radio programme {when}, {said} it was too early to draw conclusions.
		A review of the events is {expected} to be completed by {month}.
		Earlier this year, {org} had said it was preparing for such a scenario.
		The latest development follows months of debate in {country}.
		Questions were also raised about the timing of the announcement, which came just days before a public holiday in {country}.
		The issue is expected to be discussed at a meeting of regional leaders in {city2} next month.
		Residents interviewed by reporters in {city} gave mixed views.
		A hotline has been set up in {city} for people seeking more information.
		The organisation said it would publish a detailed report within {n} weeks.
		Observers in {country} noted that the timing was unusual for this time of year.
		The full impact on {city} may not be known for several months.
		Those involved have been asked not to speak publicly while inquiries continue, {org} {said}.
		Similar measures have been introduced in {country2} with mixed results.
		Independent monitors are expected to visit {city} before the end of {month}.
		The development has drawn attention from international media, with reporters arriving in {city} {when}.
		Further updates will be posted on the social media accounts of {org} throughout the day.
		In a separate development, {org} confirmed a change in its leadership team.
		The previous record was set in {year}.
		Officials in {city} have promised to keep the public informed as the situation develops.
		Critics say warning signs were missed earlier in the year, as far back as {month}.
		A petition calling for action has gathered more than {n3} signatures.
		Businesses in {city} said they were still assessing the impact.
		The topic dominated conversations on radio phone-in programmes on {day}.
		Market watchers in {city2} will be looking closely for any change in direction.
		Visitors to {city} were advised to check for updates before travelling.`,
})
