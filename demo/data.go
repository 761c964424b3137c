package demo

// The name and place lists below are synthetic approximations of British frequency lists: each
// list is in rough order of frequency and is weighted by rank (Zipf), so common names dominate
// as they do in real records without copying any real register. Lists are '|'-separated so
// entries may hold spaces and apostrophes.

// heritage groups a family's naming pattern. The shares approximate a West Yorkshire town.
type heritage struct {
	name     string
	share    float64
	surnames string
	// male and female given names; empty means the cohort-based British lists.
	male, female string
	// polish marks surnames whose feminine form ends in -ska/-cka/-dzka.
	polish bool
}

const britishSurnames = "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|Walker|White|Roberts|Green|Hall|Wood|Jackson|Clarke|Thomas|Harris|Lewis|Hill|Turner|Cooper|Ward|Morris|Moore|Clark|Harrison|Martin|King|Baker|Lee|Scott|Young|Allen|Mitchell|Edwards|Phillips|Parker|Bennett|Carter|James|Cook|Watson|Bailey|Hughes|Shaw|Richardson|Chapman|Holmes|Marshall|Simpson|Atkinson|Bell|Ellis|Hunt|Mason|Webb|Collins|Wilkinson|Griffiths|Lloyd|Stevens|Price|Morgan|Fox|Barnes|Hudson|Palmer|Mills|Graham|Kennedy|Barker|Dixon|Richards|Gibson|Matthews|Knight|Foster|Owen|Butler|Pearson|Cox|Rogers|Russell|Gray|Rose|Reynolds|Adams|Lawrence|Murray|Spencer|Hunter|Fisher|Dawson|Stewart|Jenkins|Armstrong|Cole|Holland|Howard|Hart|Powell|Andrews|Lane|Sutton|Webster|Lynch|Gardner|Harvey|Chambers|Payne|Bird|Saunders|Robertson|Booth|Brooks|Burton|Fletcher|Newton|Kelly|Ryan|Sutcliffe|Greenwood|Haigh|Hirst|Firth|Crowther|Wainwright|Holroyd|Schofield|Lockwood|Priestley|Barraclough|Whiteley|Midgley|Pickles|Ackroyd|Sykes|Brook|Hartley|Stead|Gledhill|Hey|Beaumont|Broadbent|Illingworth|Pollard|Rhodes|Jowett|Ingham|Dyson|Kershaw|Thornton|Ogden|Lumb|Hanson|Bottomley|Smith-Jones|Taylor-Wood|Lloyd-Davies"

const irishSurnames = "Murphy|Kelly|O'Brien|Byrne|Ryan|O'Connor|O'Neill|Walsh|Doyle|McCarthy|Gallagher|O'Sullivan|Quinn|Brennan|Donnelly|Flanagan|McLoughlin|Kavanagh|Fitzgerald|Maguire|Duffy|Reilly|Nolan|Keane|Doherty|McGrath|Burke|Connolly|Brady|Hogan"

const southAsianSurnames = "Khan|Hussain|Ahmed|Ali|Akhtar|Iqbal|Shah|Mahmood|Rashid|Patel|Begum|Bibi|Singh|Kaur|Mohammed|Butt|Malik|Rehman|Aslam|Javed|Saleem|Anwar|Sharif|Nawaz|Sharma|Mistry|Chauhan|Miah|Uddin|Rahman|Islam|Choudhury|Parmar|Gill|Sandhu|Bains|Dhillon|Kumar|Hanif|Raza"

const southAsianMale = "Mohammed|Muhammad|Imran|Asif|Tariq|Zahid|Amir|Bilal|Hamza|Ibrahim|Yusuf|Adil|Faisal|Sajid|Rizwan|Usman|Zain|Ayaan|Mohammad|Kamran|Naveed|Shahid|Wasim|Arjun|Rajesh|Sanjay|Harpreet|Gurpreet|Jaswinder|Ravi|Amarjit|Abdul|Nadeem|Irfan|Arif"

const southAsianFemale = "Fatima|Ayesha|Aisha|Maryam|Zainab|Nazia|Shazia|Samina|Rukhsana|Sana|Amina|Hafsa|Noor|Iqra|Sadia|Nadia|Saima|Rubina|Parveen|Priya|Anita|Sunita|Manpreet|Simran|Harjit|Kiran|Nasreen|Shabana|Tahira|Yasmin"

const polishSurnames = "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zielinski|Szymanski|Wozniak|Dabrowski|Kozlowski|Jankowski|Mazur|Kwiatkowski|Krawczyk|Piotrowski|Grabowski|Nowakowski|Pawlowski|Michalski|Nowicki|Adamczyk|Dudek|Zając|Wieczorek|Jablonski|Król|Majewski|Olszewski|Popescu|Ionescu|Popa|Kazlauskas|Petrauskas|Horvath|Novak|Ivanov"

const polishMale = "Piotr|Krzysztof|Tomasz|Paweł|Michal|Marcin|Łukasz|Jakub|Kamil|Mateusz|Adam|Marek|Andrzej|Grzegorz|Dawid|Szymon|Bartosz|Rafał|Wojciech|Ionut|Andrei|Mihai|Tomas|Mantas|Darius"

const polishFemale = "Anna|Katarzyna|Małgorzata|Agnieszka|Joanna|Ewa|Monika|Karolina|Natalia|Zofia|Magdalena|Aleksandra|Justyna|Paulina|Marta|Dorota|Beata|Elena|Ioana|Andreea|Ruta|Egle|Lucie|Maria|Oksana"

const westAfricanSurnames = "Okafor|Adeyemi|Okoro|Mensah|Owusu|Boateng|Asante|Adebayo|Oladipo|Nwosu|Eze|Obi|Okonkwo|Danso|Appiah|Adewale|Bello|Ogunleye|Agyeman|Osei|Ibe|Chukwu|Balogun|Afolabi|Amoah"

const westAfricanMale = "Chinedu|Emeka|Kwame|Kofi|Oluwaseun|Tunde|Samuel|David|Daniel|Emmanuel|Joseph|Ade|Kwabena|Yaw|Segun|Ikenna|Femi|Michael|Godfrey|Obinna"

const westAfricanFemale = "Adaeze|Ngozi|Abena|Ama|Folake|Funmilayo|Chioma|Blessing|Grace|Esther|Precious|Comfort|Yetunde|Akosua|Nneka|Ruth|Favour|Adwoa|Efua|Bukola"

const caribbeanMale = "Marcus|Leon|Dwayne|Tyrone|Andre|Jermaine|Delroy|Winston|Errol|Clifton|Nathaniel|Reuben|Kyle|Jerome|Desmond"

const caribbeanFemale = "Shanice|Keisha|Tanisha|Marcia|Beverley|Paulette|Jasmine|Chantelle|Monique|Sonia|Claudette|Janelle|Natasha|Jade|Tia"

const chineseSurnames = "Wang|Li|Zhang|Chen|Liu|Yang|Huang|Wong|Chan|Cheung|Lam|Ng|Ho|Lin|Zhou"

const chineseMale = "Wei|Jun|Ming|Hao|Jian|Tao|Yong|Kai|Lei|Chun"

const chineseFemale = "Mei|Xiu|Ling|Yan|Hui|Jing|Fang|Li|Xin|Ying"

const eastAfricanSurnames = "Mohamed|Abdi|Hassan|Omar|Ali|Ahmed|Yusuf|Farah|Jama|Warsame|Osman|Ismail|Nur|Aden|Abdullah|Karimi|Rahimi|Hosseini|Mahmoud|Saleh"

const eastAfricanMale = "Abdullahi|Mohamed|Omar|Ahmed|Hassan|Abdirahman|Mustafa|Khalid|Ali|Yusuf|Karwan|Rebwar|Dilshad|Samir|Tarek"

const eastAfricanFemale = "Fadumo|Hodan|Amina|Sahra|Hawa|Ayan|Khadija|Halima|Asha|Ikran|Rozhin|Shilan|Layla|Mariam|Hana"

// British given names by birth cohort, in rough order of popularity for the period.
const (
	britMaleOld     = "John|David|Michael|Peter|Robert|Brian|Alan|Kenneth|William|James|Anthony|Keith|Barry|Graham|Derek|Colin|Geoffrey|Ronald|Trevor|Roy|Terence|Malcolm|Dennis|Stephen|Christopher|Richard|George|Raymond|Frank|Harold"
	britFemaleOld   = "Margaret|Susan|Patricia|Christine|Linda|Mary|Jean|Janet|Elizabeth|Barbara|Valerie|Pauline|Carol|Sandra|Ann|Sheila|Brenda|Maureen|Kathleen|Dorothy|Joan|Jennifer|Gillian|Irene|Doreen|Hilary|Judith|Marilyn|Joyce|Eileen"
	britMaleMid     = "David|Paul|Mark|Andrew|Stephen|Michael|Ian|Richard|Robert|Gary|Peter|Christopher|Darren|Neil|Simon|Martin|Jason|Lee|Wayne|Craig|Shaun|Dean|Steven|Kevin|Anthony|Jonathan|Philip|Nigel|Carl|Matthew"
	britFemaleMid   = "Julie|Karen|Susan|Tracey|Sarah|Nicola|Joanne|Lisa|Michelle|Amanda|Deborah|Helen|Claire|Alison|Jacqueline|Dawn|Angela|Caroline|Kerry|Donna|Louise|Emma|Samantha|Rachel|Kelly|Lorraine|Sharon|Andrea|Catherine|Wendy"
	britMaleYoung   = "Daniel|James|Christopher|Thomas|Matthew|Michael|David|Adam|Ryan|Luke|Jamie|Craig|Jordan|Liam|Scott|Lewis|Jack|Joshua|Robert|Ashley|Nathan|Kieran|Sean|Dean|Callum|Connor|Benjamin|Aaron|Bradley|Jake"
	britFemaleYoung = "Sarah|Laura|Emma|Rebecca|Gemma|Amy|Hannah|Charlotte|Jessica|Lauren|Stacey|Danielle|Rachel|Kirsty|Natalie|Jade|Sophie|Chloe|Katie|Victoria|Samantha|Zoe|Hayley|Jennifer|Amber|Leanne|Nicole|Kayleigh|Megan|Holly"
	britMaleKid     = "Jack|Oliver|Harry|Charlie|Thomas|George|Jacob|Noah|Alfie|Joshua|William|James|Leo|Oscar|Freddie|Archie|Henry|Ethan|Mason|Riley|Logan|Lucas|Tyler|Kai|Callum|Max|Theo|Harrison|Reuben|Muhammad"
	britFemaleKid   = "Olivia|Amelia|Emily|Isla|Ava|Jessica|Sophie|Lily|Grace|Poppy|Mia|Ella|Evie|Isabella|Freya|Chloe|Millie|Ruby|Daisy|Phoebe|Sienna|Holly|Lacey|Scarlett|Erin|Megan|Niamh|Eva|Layla|Maisie"
)

const irishMale = "Sean|Patrick|Ciaran|Declan|Conor|Liam|Niall|Padraig|Eoin|Michael|Kevin|Brendan|Cormac|Darragh|Fergal"

const irishFemale = "Siobhan|Niamh|Aoife|Ciara|Roisin|Mairead|Orla|Bridget|Sinead|Aisling|Grainne|Deirdre|Clodagh|Maeve|Caoimhe"

// heritages are the naming groups and their shares of the town's population.
func heritages() []heritage {
	return []heritage{
		{name: "british", share: 0.715, surnames: britishSurnames},
		{name: "irish", share: 0.04, surnames: irishSurnames, male: irishMale, female: irishFemale},
		{name: "south_asian", share: 0.13, surnames: southAsianSurnames, male: southAsianMale, female: southAsianFemale},
		{name: "eastern_european", share: 0.045, surnames: polishSurnames, male: polishMale, female: polishFemale, polish: true},
		{name: "west_african", share: 0.03, surnames: westAfricanSurnames, male: westAfricanMale, female: westAfricanFemale},
		{name: "caribbean", share: 0.015, surnames: britishSurnames, male: caribbeanMale, female: caribbeanFemale},
		{name: "chinese", share: 0.01, surnames: chineseSurnames, male: chineseMale, female: chineseFemale},
		{name: "east_african_middle_eastern", share: 0.015, surnames: eastAfricanSurnames, male: eastAfricanMale, female: eastAfricanFemale},
	}
}

// nicknames are the familiar forms officers write down instead of the registered name.
const nicknames = "William:Bill,Billy,Will|Robert:Bob,Rob,Bobby|James:Jim,Jimmy,Jamie|Michael:Mick,Mike,Micky|Thomas:Tom,Tommy|Richard:Rick,Rich,Dick|Christopher:Chris|Anthony:Tony|Stephen:Steve|Steven:Steve|Daniel:Dan,Danny|Joseph:Joe|Elizabeth:Liz,Beth,Lizzie|Margaret:Maggie,Peggy|Catherine:Cath,Kate|Jennifer:Jen,Jenny|Rebecca:Becky,Becca|Samantha:Sam|Victoria:Vicky,Tori|Matthew:Matt|Jonathan:Jon,Jonny|Benjamin:Ben|Nicholas:Nick|Edward:Ed,Ted|Patrick:Pat,Paddy|Susan:Sue,Susie|Deborah:Debbie,Debs|Jessica:Jess|Charlotte:Charlie,Lottie|Mohammed:Mo|Muhammad:Mo|Alexander:Alex|Andrew:Andy|David:Dave,Davey|Peter:Pete|Kenneth:Ken,Kenny|Ronald:Ron,Ronnie|Terence:Terry|Gary:Gaz|Darren:Daz|Barry:Baz|Nathan:Nate|Joshua:Josh|Bradley:Brad|Frederick:Fred|Alfred:Alf|Kathleen:Kath|Christine:Chris|Patricia:Pat,Trish|Pauline:Pauly|Jacqueline:Jackie|Amanda:Mandy|Katarzyna:Kasia|Małgorzata:Gosia|Aleksandra:Ola|Krzysztof:Krzys|Tomasz:Tomek|Piotr:Piotrek|Oluwaseun:Seun|Funmilayo:Funmi|Kayleigh:Kay|Danielle:Dani|Natalie:Nat|Lauren:Loz|Callum:Cal"

// muhammadSpellings are transliterations of one name that records hold interchangeably.
const muhammadSpellings = "Mohammed|Muhammad|Mohammad|Mohamed|Muhammed"

// Streets: a first part and a kind; each pair is one street of the fictional town.
const streetFirst = "High|Church|Station|Victoria|Mill|Albert|Park|Queen|King|Chapel|School|Manor|Moor|Green|Bridge|Spring|Well|Cross|Back|West|North|South|East|Oak|Ash|Elm|Beech|Birch|Willow|Rowan|Holly|Hawthorn|Sycamore|Laburnum|Lime|Maple|Cedar|Fern|Heather|Primrose|Meadow|Orchard|Field|Acre|Dale|Brook|Beck|Clough|Royd|Nab|Cliffe|Hill|Heath|Hall|Grange|Prospect|Providence|Union|Commercial|Wellington|Nelson|Alexandra|Cardigan|Granville|Melbourne|Stanley|Clarendon|Sandford|Thornhill|Hollin|Owlcotes|Tinshill|Brackenwood|Fairfax|Westfield|Ravenscar|Kelbeck|Calder|Aire|Wharfe|Pennine|Moorside|Greenside|Highfield|Lowfield|Broadway|Lawnswood|Rosebank|Woodhouse|Marsh|Carr|Ings|Tanhouse|Weavers|Tenter|Foundry|Canal|Wharf|Quarry|Colliery|Gasworks|Forge"

const streetKind = "Street:30|Road:28|Lane:14|Avenue:10|Close:8|Crescent:6|Drive:7|Grove:6|Terrace:7|Mount:4|View:4|Place:4|Gardens:4|Court:3|Way:4|Walk:2|Row:2|Fold:2|Garth:2|Croft:2|Rise:2|Square:1|Parade:1"

const buildingNames = "Alder|Beech|Cedar|Elmwood|Fairview|Grosvenor|Harewood|Kestrel|Lindley|Mulberry|Newlands|Parkside|Queensway|Riverside|Sandringham|Thornbury|Westgate|Windsor|Woodlands|Aire View|Calder|Pennine|Moorland|Regent"

// places are non-residential locations: "name|description", placed round the town.
const places = "Kelbeck Central Police Station (custody suite)|police station" +
	"\nKelbeck Bus Station|bus station" +
	"\nKelbeck Railway Station|railway station" +
	"\nKelbeck General Hospital|hospital" +
	"\nKelbeck Retail Park|retail park" +
	"\nKelbeck Academy|secondary school" +
	"\nSt Mary's C of E Primary School|primary school" +
	"\nMoorside Primary School|primary school" +
	"\nThe Red Lion|public house" +
	"\nThe White Hart|public house" +
	"\nThe Royal Oak|public house" +
	"\nThe Fleece|public house" +
	"\nThe Dog and Gun|public house" +
	"\nBrackenwood Working Men's Club|club" +
	"\nMoorside Convenience Store|shop" +
	"\nHigh Street Pharmacy|pharmacy" +
	"\nKelbeck Market Hall|market" +
	"\nCalder Valley Superstore|supermarket" +
	"\nGreenside Park|park" +
	"\nKelbeck Recreation Ground|park" +
	"\nCanal towpath at Tanhouse Lock|towpath" +
	"\nAire Street multi-storey car park|car park" +
	"\nKelbeck Leisure Centre|leisure centre" +
	"\nKelbeck Library|library" +
	"\nNightingale's Takeaway|takeaway" +
	"\nPennine Petrol Filling Station|petrol station" +
	"\nKelbeck Community Centre|community centre" +
	"\nQuarry Hill Bookmakers|betting shop" +
	"\nRiverside Nightclub|night-time economy venue" +
	"\nKelbeck Magistrates' Court|court" +
	"\nWoodhouse Moor Underpass|underpass" +
	"\nHighfield Estate Shops|shopping parade" +
	"\nMarket Square|public square" +
	"\nWharf Street Bridge|bridge" +
	"\nKelbeck Cemetery|cemetery"

// Vehicles: "Make:weight:model,model,...".
const vehicleMakes = "Ford:14:Fiesta,Focus,Transit,Kuga,Puma,Transit Connect,Mondeo|Vauxhall:11:Corsa,Astra,Insignia,Vivaro,Mokka,Zafira|Volkswagen:10:Golf,Polo,Passat,Transporter,Tiguan,Caddy|BMW:6:1 Series,3 Series,5 Series,X5,X1|Audi:6:A3,A4,Q5,A1,Q3|Mercedes-Benz:6:A-Class,C-Class,Sprinter,E-Class,Vito|Toyota:6:Yaris,Corolla,Prius,Aygo,RAV4,Hilux|Nissan:5:Qashqai,Micra,Juke,Navara,Leaf|Peugeot:4:208,308,3008,Partner,2008|Kia:4:Sportage,Picanto,Ceed,Niro|Hyundai:3:Tucson,i10,i30,Kona|Honda:3:Civic,Jazz,CR-V|Renault:3:Clio,Megane,Captur,Kangoo|Skoda:3:Octavia,Fabia,Superb|MINI:2:Cooper,Countryman|Land Rover:2:Range Rover Evoque,Discovery,Defender,Range Rover Sport|Tesla:1:Model 3,Model Y|Fiat:2:500,Panda,Ducato|Citroen:2:C3,Berlingo,C1|SEAT:2:Ibiza,Leon|Volvo:1:XC60,V40|Yamaha:1:MT-07,NMAX 125|Honda Motorcycles:1:CBR600RR,PCX125"

const vehicleWMI = "Ford:WF0|Vauxhall:W0L|Volkswagen:WVW|BMW:WBA|Audi:WAU|Mercedes-Benz:WDD|Toyota:SB1|Nissan:SJN|Peugeot:VF3|Kia:U5Y|Hyundai:TMA|Honda:SHH|Renault:VF1|Skoda:TMB|MINI:WMW|Land Rover:SAL|Tesla:LRW|Fiat:ZFA|Citroen:VF7|SEAT:VSS|Volvo:YV1|Yamaha:JYA|Honda Motorcycles:JH2"

const colours = "Black:16|Grey:15|White:15|Silver:12|Blue:14|Red:10|Green:3|Orange:2|Yellow:1|Bronze:2|Brown:2|Purple:1|Beige:1"

// Firearms held on certificate: "type|make|model|description".
const firearms = "shotgun|Beretta|Silver Pigeon|12 bore over-and-under shotgun" +
	"\nshotgun|Browning|B525|12 bore over-and-under shotgun" +
	"\nshotgun|Miroku|MK60|12 bore over-and-under shotgun" +
	"\nshotgun|Lanber|2088|12 bore over-and-under shotgun" +
	"\nshotgun|Fabarm|Elos|20 bore over-and-under shotgun" +
	"\nshotgun|Webley & Scott|2000|12 bore side-by-side shotgun" +
	"\nrifle|CZ|455|.22 LR bolt-action rifle" +
	"\nrifle|Sako|85|.243 Win bolt-action rifle" +
	"\nrifle|Tikka|T3x|.308 Win bolt-action rifle" +
	"\nrifle|Ruger|10/22|.22 LR semi-automatic rifle" +
	"\nrifle|Howa|1500|.223 Rem bolt-action rifle"

const handsets = "Apple|iPhone 13|Apple|iPhone 14|Apple|iPhone 15|Apple|iPhone 12|Samsung|Galaxy S23|Samsung|Galaxy A14|Samsung|Galaxy A54|Google|Pixel 7|Nokia|105|Motorola|Moto G54|Xiaomi|Redmi Note 12|Alcatel|1066D"

const weapons = "lock knife, 3 inch blade|kitchen knife, 8 inch blade|machete|knuckleduster|extendable baton|baseball bat|hammer|zombie knife|screwdriver, sharpened|CS spray canister|imitation handgun|crossbow"

const drugs = "cannabis, approx 28 g|cannabis, 4 bags of approx 3.5 g|crack cocaine, 12 wraps|heroin, 9 wraps|cocaine, approx 10 g in snap bags|MDMA tablets, 20|ketamine, approx 5 g|diazepam tablets, unlabelled, 40|cannabis plants, 14|nitrous oxide canisters, 30"

const bicycles = "Carrera|Vengeance|Boardman|MTB 8.6|Trek|Marlin 5|Specialized|Rockhopper|Giant|Talon|Raleigh|Pioneer|Brompton|C Line|Voodoo|Bizango"

const laptops = "Apple|MacBook Air|Dell|Inspiron 15|HP|Pavilion 14|Lenovo|IdeaPad 3|Asus|VivoBook|Microsoft|Surface Laptop"

const jewellery = "gold wedding ring|diamond engagement ring|gold necklace with pendant|silver bracelet|Rolex Submariner watch|gold hoop earrings|pearl necklace|gents' signet ring|Omega Seamaster watch|charm bracelet"
