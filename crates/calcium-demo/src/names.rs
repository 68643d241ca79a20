//! The embedded word lists the demo people are drawn from: French surnames and first names,
//! names matching the foreign nationalities of `calcium_core::reference::COUNTRIES`, streets,
//! communes with their postcodes.
//!
//! Lists of names are ordered roughly from the most to the least common, because the
//! generator favours the front of a list (see `people::pick_common`).

/// French surnames, with accents, particles and compound names, and the names of families
/// long settled in France, as a registry of French students shows them.
pub(crate) const SURNAMES: &[&str] = &[
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent", "Simon",
    "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont",
    "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin",
    "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
    "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire",
    "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet",
    "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier",
    "Philippe", "Bourgeois", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Lecomte", "Lopez", "Dupuy", "Guillot",
    "Hubert", "Berger", "Carpentier", "Sanchez", "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher",
    "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Poirier", "Marty", "Aubry", "Guyot", "Carré", "Renault",
    "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider", "Fernandez", "Le Gall",
    "Collet", "Léger", "Bouvier", "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Breton", "Besson", "Langlois",
    "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Maréchal", "Weber", "Hamon",
    "Boulanger", "Jacob", "Monnier", "Michaud", "Guichard", "Grondin", "Hoarau", "Chauvin", "Da Silva", "Dos Santos",
    "Lemaître", "Bénard", "Humbert", "Reynaud", "Barthélemy", "Lejeune", "Delaunay", "Nguyen", "Diallo", "Traoré",
    "Benali", "Haddad", "Ferreira", "Pereira", "Rodrigues", "Le Bihan", "Le Floch", "de la Fontaine", "D'Amico",
    "Du Pont", "D'Almeida", "de Villiers", "Des Champs", "de Sousa", "Dubois-Lefèvre", "Martin-Leroy", "Petit-Jean",
    "Bernard-Rousseau", "Lefèvre-Dupont", "Moreau-Guérin", "Garcia-Lopez",
];

pub(crate) const MALE_FIRST_NAMES: &[&str] = &[
    "Lucas", "Hugo", "Thomas", "Théo", "Nathan", "Enzo", "Maxime", "Louis", "Clément", "Antoine", "Alexandre",
    "Baptiste", "Quentin", "Romain", "Mathis", "Léo", "Tom", "Paul", "Arthur", "Jules", "Raphaël", "Gabriel", "Noah",
    "Valentin", "Nicolas", "Julien", "Kévin", "Florian", "Dylan", "Axel", "Loïc", "Maël", "Noël", "Jérôme", "François",
    "Jean-Pierre", "Jean-Baptiste", "Pierre-Louis", "Benoît", "Aurélien", "Anthony", "Mathéo", "Evan", "Sacha",
    "Timothée", "Théophile", "Adrien", "Bastien", "Corentin", "Damien", "Étienne", "Félix", "Gaëtan", "Jérémy",
    "Joachim", "Kylian", "Marius", "Mathias", "Morgan", "Nolan", "Yanis", "Rayan", "Ilyès", "Mehdi", "Samuel", "Simon",
    "Victor", "Vincent", "Xavier", "Yann", "Benjamin", "Cédric", "Cyril", "Guillaume", "Hadrien", "Jean", "Jonathan",
    "Léon", "Lilian", "Martin", "Matthieu", "Olivier", "Pierre", "Rémi", "Sébastien", "Thibault", "Tristan", "Ulysse",
    "Arnaud", "Emmanuel", "Grégoire", "Hippolyte", "Joël", "Marc-Antoine", "Mickaël", "Nathanaël", "Oscar",
    "Paul-Henri", "René", "Titouan",
];

pub(crate) const FEMALE_FIRST_NAMES: &[&str] = &[
    "Léa", "Manon", "Chloé", "Camille", "Emma", "Inès", "Sarah", "Océane", "Clara", "Anaïs", "Marie", "Pauline",
    "Julie", "Laura", "Lucie", "Mathilde", "Zoé", "Héloïse", "Gaëlle", "Marie-Ève", "Bérénice", "Noémie", "Léna",
    "Jade", "Louise", "Juliette", "Margaux", "Éloïse", "Maëlys", "Romane", "Justine", "Elsa", "Alice", "Agathe",
    "Capucine", "Anne-Sophie", "Marie-Claire", "Clémence", "Charlotte", "Salomé", "Lisa", "Eva", "Lou", "Mélanie",
    "Amandine", "Audrey", "Aurélie", "Cécile", "Coralie", "Élodie", "Émilie", "Estelle", "Fanny", "Hélène", "Irène",
    "Joséphine", "Léonie", "Lilou", "Maëva", "Mélissa", "Morgane", "Nina", "Ophélie", "Perrine", "Solène", "Victoire",
    "Yasmine", "Anouk", "Apolline", "Axelle", "Bénédicte", "Candice", "Célia", "Chiara", "Constance", "Diane",
    "Églantine", "Émeline", "Enora", "Flavie", "Garance", "Inaya", "Jeanne", "Kenza", "Laurène", "Lisa-Marie",
    "Maïwenn", "Marine", "Nolwenn", "Quitterie", "Rose", "Sixtine", "Tiphaine", "Valentine", "Violette", "Zélie",
    "Ambre", "Aurore", "Noélie", "Thaïs",
];

/// A set of names from one origin. The French lists serve the French-speaking countries.
#[derive(Debug)]
pub(crate) struct NameSet {
    pub(crate) surnames: &'static [&'static str],
    pub(crate) male: &'static [&'static str],
    pub(crate) female: &'static [&'static str],
}

pub(crate) const FRENCH: NameSet = NameSet { surnames: SURNAMES, male: MALE_FIRST_NAMES, female: FEMALE_FIRST_NAMES };

const SPANISH: NameSet = NameSet {
    surnames: &[
        "García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Jiménez",
        "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro",
    ],
    male: &["Alejandro", "Pablo", "Javier", "Daniel", "Adrián", "Sergio", "Álvaro", "Diego", "Jorge", "Iván", "Raúl"],
    female: &["Lucía", "María", "Paula", "Laura", "Marta", "Andrea", "Sara", "Carmen", "Nerea", "Alba", "Irene"],
};

const PORTUGUESE: NameSet = NameSet {
    surnames: &[
        "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Sousa", "Fernandes",
        "Gonçalves", "Gomes", "Lopes", "Marques", "Ribeiro", "Carvalho", "Almeida", "Barbosa",
    ],
    male: &["João", "Rodrigo", "Tiago", "Diogo", "Gonçalo", "Francisco", "Pedro", "Rui", "André", "Lucas", "Matheus"],
    female: &["Beatriz", "Inês", "Mariana", "Ana", "Carolina", "Matilde", "Leonor", "Joana", "Júlia", "Letícia"],
};

const ITALIAN: NameSet = NameSet {
    surnames: &[
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno",
        "Gallo", "Conti", "De Luca", "Costa", "D'Angelo",
    ],
    male: &[
        "Alessandro", "Lorenzo", "Matteo", "Francesco", "Andrea", "Riccardo", "Davide", "Giuseppe", "Luca", "Simone",
    ],
    female: &["Giulia", "Chiara", "Francesca", "Sara", "Martina", "Alessia", "Federica", "Elisa", "Valentina"],
};

const GERMAN: NameSet = NameSet {
    surnames: &[
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch",
        "Richter", "Wolf", "Schröder", "Neumann", "Zimmermann",
    ],
    male: &["Lukas", "Jonas", "Leon", "Felix", "Maximilian", "Paul", "Niklas", "Tobias", "Jan"],
    female: &["Anna", "Lena", "Laura", "Hannah", "Lea", "Sophie", "Johanna", "Katharina", "Julia"],
};

const DUTCH: NameSet = NameSet {
    surnames: &[
        "De Jong", "Jansen", "De Vries", "Van den Berg", "Van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer",
    ],
    male: &["Daan", "Sem", "Lucas", "Milan", "Bram", "Thijs", "Ruben"],
    female: &["Emma", "Julia", "Sophie", "Anna", "Fleur", "Lotte", "Sanne"],
};

const POLISH: NameSet = NameSet {
    surnames: &["Nowak", "Wójcik", "Kowalczyk", "Woźniak", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Wróbel"],
    male: &["Jakub", "Kacper", "Szymon", "Mateusz", "Michał", "Piotr", "Tomasz"],
    female: &["Zuzanna", "Julia", "Maja", "Natalia", "Aleksandra", "Katarzyna", "Agnieszka"],
};

const ROMANIAN: NameSet = NameSet {
    surnames: &[
        "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei", "Constantin",
    ],
    male: &["Andrei", "Alexandru", "Mihai", "Ștefan", "Ionuț", "Răzvan", "Bogdan"],
    female: &["Ioana", "Maria", "Elena", "Andreea", "Alexandra", "Bianca", "Cristina"],
};

const BULGARIAN: NameSet = NameSet {
    surnames: &["Ivanov", "Petrov", "Georgiev", "Dimitrov", "Nikolov", "Todorov", "Stoyanov"],
    male: &["Georgi", "Ivan", "Dimitar", "Nikolay", "Martin", "Aleksandar"],
    female: &["Maria", "Elena", "Desislava", "Iva", "Nikol", "Viktoria"],
};

const GREEK: NameSet = NameSet {
    surnames: &["Papadopoulos", "Papadakis", "Georgiou", "Nikolaidis", "Konstantinidis", "Oikonomou", "Dimitriou"],
    male: &["Georgios", "Dimitrios", "Konstantinos", "Nikolaos", "Ioannis"],
    female: &["Maria", "Eleni", "Aikaterini", "Sofia", "Despoina"],
};

const ENGLISH: NameSet = NameSet {
    surnames: &[
        "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Johnson", "Murphy", "O'Brien",
        "O'Connor", "Kelly", "Walsh", "Miller", "Anderson",
    ],
    male: &["James", "Oliver", "Jack", "Harry", "William", "Thomas", "Ethan", "Liam", "Noah", "Connor", "Sean"],
    female: &["Olivia", "Emily", "Amelia", "Isla", "Sophie", "Grace", "Chloe", "Emma", "Ava", "Siobhan"],
};

const MAGHREBI: NameSet = NameSet {
    surnames: &[
        "Benali", "El Amrani", "Bennani", "Alaoui", "Idrissi", "Benjelloun", "Tazi", "Berrada", "Mansouri", "Haddad",
        "Ben Salah", "Trabelsi", "Gharbi", "Jebali", "Hammami", "Belkacem", "Boudiaf", "Benaïssa", "Khelifi", "Meziane",
        "Saïdi", "Cherif", "Rahmani", "Bouzid",
    ],
    male: &[
        "Mohamed", "Youssef", "Amine", "Mehdi", "Karim", "Rayan", "Ayoub", "Hamza", "Bilal", "Ilyes", "Nabil",
        "Sofiane", "Walid", "Yanis", "Anis",
    ],
    female: &[
        "Yasmine", "Sara", "Imane", "Salma", "Meryem", "Nour", "Lina", "Amira", "Inès", "Rania", "Khadija", "Nadia",
        "Fatima-Zahra", "Aya", "Hiba",
    ],
};

const LEBANESE: NameSet = NameSet {
    surnames: &["Khoury", "Haddad", "Nassar", "Saad", "Gemayel", "Aoun", "Karam", "Hayek", "Chamoun", "Farès"],
    male: &["Élie", "Georges", "Karim", "Rami", "Charbel", "Ziad", "Marc"],
    female: &["Nour", "Maya", "Rita", "Yara", "Léa", "Rana", "Christelle"],
};

const WEST_AFRICAN_FIRST_MALE: &[&str] = &[
    "Mamadou", "Moussa", "Ibrahima", "Cheikh", "Ousmane", "Abdoulaye", "Souleymane", "Seydou", "Boubacar", "Modou",
    "Aliou", "Serge", "Jean-Marc", "Franck", "Hervé", "Stéphane", "Yannick", "Arnaud",
];

const WEST_AFRICAN_FIRST_FEMALE: &[&str] = &[
    "Aminata", "Fatou", "Awa", "Mariama", "Aïssatou", "Khady", "Binta", "Rokia", "Kadiatou", "Nafissatou", "Ange",
    "Grâce", "Prisca", "Larissa", "Murielle", "Estelle",
];

const SENEGALESE: NameSet = NameSet {
    surnames: &[
        "Diop", "Ndiaye", "Fall", "Sow", "Sy", "Ba", "Gueye", "Faye", "Sarr", "Diallo", "Mbaye", "Cissé", "Thiam",
    ],
    male: WEST_AFRICAN_FIRST_MALE,
    female: WEST_AFRICAN_FIRST_FEMALE,
};

const MALIAN: NameSet = NameSet {
    surnames: &[
        "Traoré", "Coulibaly", "Keïta", "Konaté", "Diarra", "Touré", "Sidibé", "Sangaré", "Dembélé", "Maïga", "Diakité",
    ],
    male: WEST_AFRICAN_FIRST_MALE,
    female: WEST_AFRICAN_FIRST_FEMALE,
};

const IVORIAN: NameSet = NameSet {
    surnames: &[
        "Kouassi", "Kouamé", "Koné", "Yao", "N'Guessan", "Bamba", "Ouattara", "Konan", "Kouadio", "Aka", "Brou",
    ],
    male: WEST_AFRICAN_FIRST_MALE,
    female: WEST_AFRICAN_FIRST_FEMALE,
};

const CAMEROONIAN: NameSet = NameSet {
    surnames: &["Mbarga", "Fotso", "Tchakounté", "Ngono", "Essomba", "Kamga", "Nkoulou", "Manga", "Atangana", "Njoya"],
    male: WEST_AFRICAN_FIRST_MALE,
    female: WEST_AFRICAN_FIRST_FEMALE,
};

const MALAGASY: NameSet = NameSet {
    surnames: &[
        "Rakotomalala", "Randriamanantena", "Rasoanaivo", "Rakotoarisoa", "Andrianarivelo", "Razafindrakoto",
        "Ravelomanana", "Rabemananjara", "Randrianasolo", "Rasolofonirina",
    ],
    male: &["Hery", "Tiana", "Fanomezana", "Mamy", "Rivo", "Toky", "Andry"],
    female: &["Fara", "Voahangy", "Lalao", "Nirina", "Miora", "Hanitra", "Tahina"],
};

const CHINESE: NameSet = NameSet {
    surnames: &[
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu",
        "Guo", "Lin", "He",
    ],
    male: &["Wei", "Hao", "Yu", "Jun", "Lei", "Tao", "Jie", "Peng", "Zihao", "Haoran"],
    female: &["Xin", "Yan", "Jing", "Mei", "Ying", "Xiaoyu", "Yuxin", "Shuang", "Ting"],
};

const VIETNAMESE: NameSet = NameSet {
    surnames: &[
        "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ngo", "Duong",
    ],
    male: &["Minh", "Duc", "Tuan", "Huy", "Khoa", "Long", "Nam", "Quang", "Thanh"],
    female: &["Linh", "Trang", "Huong", "Mai", "Thao", "Ngoc", "Anh", "Lan", "Phuong", "Hien"],
};

const JAPANESE: NameSet = NameSet {
    surnames: &[
        "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    ],
    male: &["Haruto", "Yuto", "Sota", "Ren", "Kaito", "Takumi", "Daiki"],
    female: &["Yui", "Aoi", "Sakura", "Hina", "Yuna", "Mio", "Haruka"],
};

const INDIAN: NameSet = NameSet {
    surnames: &["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Das", "Rao", "Mehta", "Joshi"],
    male: &["Aarav", "Rohan", "Arjun", "Vikram", "Rahul", "Aditya", "Karthik", "Siddharth"],
    female: &["Priya", "Ananya", "Diya", "Kavya", "Pooja", "Sneha", "Aishwarya", "Neha"],
};

/// A foreign nationality: its INSEE code, its share of the students (per mille), the names
/// its students bear and the cities their family addresses are in.
#[derive(Debug)]
pub(crate) struct ForeignOrigin {
    pub(crate) country: &'static str,
    pub(crate) per_mille: u32,
    pub(crate) names: &'static NameSet,
    pub(crate) cities: &'static [&'static str],
}

const fn origin(
    country: &'static str,
    per_mille: u32,
    names: &'static NameSet,
    cities: &'static [&'static str],
) -> ForeignOrigin {
    ForeignOrigin { country, per_mille, names, cities }
}

/// Every foreign code of `COUNTRIES`. The shares add up to 150 ‰: 85 % of the students are
/// French, as in a French university; about a quarter of the others are from the EU.
pub(crate) const FOREIGN_ORIGINS: &[ForeignOrigin] = &[
    origin("350", 21, &MAGHREBI, &["Casablanca", "Rabat", "Marrakech", "Fès", "Tanger", "Agadir"]),
    origin("352", 19, &MAGHREBI, &["Alger", "Oran", "Constantine", "Annaba", "Tlemcen", "Béjaïa"]),
    ForeignOrigin { country: "351", per_mille: 12, names: &MAGHREBI, cities: &["Tunis", "Sfax", "Sousse", "Bizerte"] },
    origin("216", 11, &CHINESE, &["Pékin", "Shanghai", "Canton", "Wuhan", "Chengdu", "Nankin"]),
    origin("341", 8, &SENEGALESE, &["Dakar", "Thiès", "Saint-Louis", "Ziguinchor"]),
    origin("326", 7, &IVORIAN, &["Abidjan", "Bouaké", "Yamoussoukro", "San-Pédro"]),
    origin("322", 7, &CAMEROONIAN, &["Yaoundé", "Douala", "Bafoussam", "Garoua"]),
    origin("139", 6, &PORTUGUESE, &["Lisbonne", "Porto", "Braga", "Coimbra", "Faro"]),
    origin("127", 6, &ITALIAN, &["Rome", "Milan", "Turin", "Naples", "Bologne", "Florence"]),
    origin("134", 5, &SPANISH, &["Madrid", "Barcelone", "Valence", "Séville", "Saragosse", "Bilbao"]),
    origin("109", 5, &GERMAN, &["Berlin", "Munich", "Hambourg", "Cologne", "Francfort-sur-le-Main", "Mayence"]),
    origin("205", 4, &LEBANESE, &["Beyrouth", "Tripoli", "Saïda", "Jounieh", "Zahlé"]),
    origin("243", 4, &VIETNAMESE, &["Hanoï", "Hô Chi Minh-Ville", "Da Nang", "Hué", "Haïphong"]),
    ForeignOrigin { country: "335", per_mille: 4, names: &MALIAN, cities: &["Bamako", "Sikasso", "Kayes", "Ségou"] },
    origin("333", 3, &MALAGASY, &["Antananarivo", "Toamasina", "Antsirabe", "Mahajanga", "Fianarantsoa"]),
    origin("131", 3, &FRENCH, &["Bruxelles", "Liège", "Namur", "Charleroi", "Mons"]),
    origin("114", 3, &ROMANIAN, &["Bucarest", "Cluj-Napoca", "Iași", "Timișoara"]),
    origin("415", 3, &PORTUGUESE, &["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Curitiba", "Recife"]),
    origin("223", 3, &INDIAN, &["Bombay", "New Delhi", "Bangalore", "Chennai", "Pune", "Hyderabad"]),
    origin("404", 2, &ENGLISH, &["New York", "Boston", "Chicago", "Los Angeles", "Philadelphie"]),
    origin("132", 2, &ENGLISH, &["Londres", "Manchester", "Birmingham", "Édimbourg", "Bristol"]),
    origin("122", 2, &POLISH, &["Varsovie", "Cracovie", "Wrocław", "Poznań", "Opole"]),
    origin("401", 2, &FRENCH, &["Montréal", "Québec", "Sherbrooke", "Gatineau"]),
    origin("140", 2, &FRENCH, &["Genève", "Lausanne", "Neuchâtel", "Fribourg", "Sion"]),
    ForeignOrigin { country: "126", per_mille: 1, names: &GREEK, cities: &["Athènes", "Thessalonique", "Patras"] },
    origin("217", 1, &JAPANESE, &["Tokyo", "Osaka", "Kyoto", "Nagoya", "Sapporo"]),
    ForeignOrigin { country: "136", per_mille: 1, names: &ENGLISH, cities: &["Dublin", "Cork", "Galway"] },
    origin("135", 1, &DUTCH, &["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven"]),
    origin("110", 1, &GERMAN, &["Vienne", "Graz", "Salzbourg", "Innsbruck"]),
    ForeignOrigin { country: "111", per_mille: 1, names: &BULGARIAN, cities: &["Sofia", "Plovdiv", "Varna"] },
];

/// Street names, used with a number: `12 rue de la Liberté`.
pub(crate) const STREETS: &[&str] = &[
    "rue de la Liberté", "avenue Victor Hugo", "boulevard de la Trémouille", "rue Chabot-Charny",
    "rue du Faubourg Raines", "allée des Tilleuls", "rue Pasteur", "rue Jean Jaurès", "place Darcy", "rue de Mirande",
    "avenue Alain Savary", "rue des Écoles", "chemin des Vignes", "impasse des Lilas", "rue Monge", "rue Berbisey",
    "quai Nicolas Rolin", "Grande Rue", "rue Mégevand", "rue de l'Hôpital", "rue Gambetta", "rue Émile Zola",
    "avenue du Général de Gaulle", "rue du Docteur Roux", "boulevard Carnot", "rue Sambin", "rue Devosge",
    "rue d'Auxonne", "avenue Aristide Briand", "boulevard Mansart", "rue Parmentier", "rue des Godrans", "rue Vauban",
    "rue de la Préfecture", "avenue Jean Bertin", "rue Charles Dumont", "rue Général Delaborde", "boulevard Voltaire",
    "rue Condorcet", "rue du Transvaal", "rue de Longvic", "rue des Perrières", "avenue de Stalingrad",
    "rue Nicolas Berthot", "rue de Talant", "rue des Rosiers", "rue du Moulin", "rue de l'Église",
    "place de la République", "rue de la Gare", "rue du Château", "avenue de la Paix", "rue des Acacias",
    "chemin du Lavoir", "rue des Jardins", "route de Beaune", "rue Saint-Martin", "rue Anatole France",
    "rue Louis Pasteur", "rue Paul Bert", "rue de Verdun", "rue du Maréchal Foch", "rue Jules Ferry",
    "rue Georges Clemenceau", "rue du 8 Mai 1945", "rue des Cerisiers", "allée des Peupliers", "rue de la Fontaine",
    "rue Pierre Curie", "rue Marie Curie", "rue des Cordiers", "quai de la Saône", "rue Claude Bernard",
    "rue des Forges", "rue Voltaire", "rue de Bourgogne", "rue du Stade", "rue des Hortensias",
    "square des Marronniers", "rue Jean Moulin",
];

/// University residences, for `ADR2` (`Résidence universitaire Montmuzard, chambre 214`).
pub(crate) const RESIDENCES: &[&str] = &[
    "Résidence universitaire Montmuzard", "Résidence universitaire Mansart", "Résidence universitaire Beaune",
    "Résidence universitaire Maret", "Résidence Les Estudines", "Résidence Le Sirius",
];

/// Other complements of address, for `ADR2`.
pub(crate) const ADDRESS_COMPLEMENTS: &[&str] =
    &["Bâtiment B", "Bâtiment C, 3e étage", "Escalier 2", "Porte gauche", "Au fond de la cour", "Dernier étage"];

/// Street names abroad, in the French form families write on the enrolment form.
pub(crate) const STREETS_ABROAD: &[&str] = &[
    "avenue de l'Indépendance", "rue Principale", "boulevard Central", "avenue de la Gare", "rue du Marché",
    "avenue des Nations", "rue de l'Université",
];

/// A French commune: where students live during the year (`term` weight: near the campuses
/// of Dijon, Auxerre, Chalon, Le Creusot, Mâcon and Nevers) and where their families live
/// (`home` weight: the region first, then the rest of France).
#[derive(Debug)]
pub(crate) struct Commune {
    pub(crate) postcode: &'static str,
    pub(crate) name: &'static str,
    /// The department as the NIR writes it: two characters (2A, 2B for Corsica), three for
    /// the overseas departments.
    pub(crate) department: &'static str,
    pub(crate) term: u32,
    pub(crate) home: u32,
}

const fn commune(
    postcode: &'static str,
    name: &'static str,
    department: &'static str,
    term: u32,
    home: u32,
) -> Commune {
    Commune { postcode, name, department, term, home }
}

pub(crate) const COMMUNES: &[Commune] = &[
    commune("21000", "Dijon", "21", 400, 60),
    commune("21240", "Talant", "21", 25, 8),
    commune("21300", "Chenôve", "21", 25, 8),
    commune("21800", "Quetigny", "21", 20, 6),
    commune("21121", "Fontaine-lès-Dijon", "21", 20, 6),
    commune("21600", "Longvic", "21", 15, 5),
    commune("21800", "Chevigny-Saint-Sauveur", "21", 10, 5),
    commune("21850", "Saint-Apollinaire", "21", 15, 5),
    commune("21160", "Marsannay-la-Côte", "21", 8, 4),
    commune("21200", "Beaune", "21", 5, 15),
    commune("21700", "Nuits-Saint-Georges", "21", 2, 6),
    commune("21130", "Auxonne", "21", 2, 5),
    commune("21400", "Châtillon-sur-Seine", "21", 1, 5),
    commune("21500", "Montbard", "21", 1, 5),
    commune("21140", "Semur-en-Auxois", "21", 1, 4),
    commune("21120", "Is-sur-Tille", "21", 1, 4),
    commune("89000", "Auxerre", "89", 35, 15),
    commune("89100", "Sens", "89", 2, 10),
    commune("89300", "Joigny", "89", 1, 5),
    commune("89200", "Avallon", "89", 1, 4),
    commune("89700", "Tonnerre", "89", 0, 3),
    commune("71100", "Chalon-sur-Saône", "71", 20, 18),
    commune("71000", "Mâcon", "71", 12, 14),
    commune("71200", "Le Creusot", "71", 12, 8),
    commune("71300", "Montceau-les-Mines", "71", 2, 8),
    commune("71400", "Autun", "71", 1, 5),
    commune("71600", "Paray-le-Monial", "71", 0, 4),
    commune("71500", "Louhans", "71", 0, 4),
    commune("58000", "Nevers", "58", 12, 12),
    commune("58200", "Cosne-Cours-sur-Loire", "58", 0, 4),
    commune("58500", "Clamecy", "58", 0, 3),
    commune("25000", "Besançon", "25", 8, 25),
    commune("25200", "Montbéliard", "25", 0, 10),
    commune("25300", "Pontarlier", "25", 0, 5),
    commune("39100", "Dole", "39", 2, 8),
    commune("39000", "Lons-le-Saunier", "39", 0, 6),
    commune("70000", "Vesoul", "70", 0, 6),
    commune("90000", "Belfort", "90", 0, 8),
    commune("52000", "Chaumont", "52", 0, 5),
    commune("52200", "Langres", "52", 0, 4),
    commune("10000", "Troyes", "10", 0, 10),
    commune("01000", "Bourg-en-Bresse", "01", 0, 8),
    commune("69001", "Lyon", "69", 2, 12),
    commune("69003", "Lyon", "69", 1, 10),
    commune("69007", "Lyon", "69", 1, 10),
    commune("69100", "Villeurbanne", "69", 0, 8),
    commune("42000", "Saint-Étienne", "42", 0, 6),
    commune("38000", "Grenoble", "38", 0, 6),
    commune("75005", "Paris", "75", 2, 8),
    commune("75011", "Paris", "75", 1, 8),
    commune("75013", "Paris", "75", 1, 8),
    commune("75015", "Paris", "75", 1, 8),
    commune("92100", "Boulogne-Billancourt", "92", 0, 5),
    commune("93200", "Saint-Denis", "93", 0, 5),
    commune("94000", "Créteil", "94", 0, 4),
    commune("78000", "Versailles", "78", 0, 4),
    commune("77000", "Melun", "77", 0, 4),
    commune("51100", "Reims", "51", 0, 5),
    commune("54000", "Nancy", "54", 0, 6),
    commune("57000", "Metz", "57", 0, 5),
    commune("67000", "Strasbourg", "67", 0, 6),
    commune("68100", "Mulhouse", "68", 0, 4),
    commune("59000", "Lille", "59", 0, 6),
    commune("63000", "Clermont-Ferrand", "63", 0, 5),
    commune("45000", "Orléans", "45", 0, 4),
    commune("37000", "Tours", "37", 0, 3),
    commune("13001", "Marseille", "13", 0, 5),
    commune("06000", "Nice", "06", 0, 3),
    commune("31000", "Toulouse", "31", 0, 4),
    commune("33000", "Bordeaux", "33", 0, 4),
    commune("44000", "Nantes", "44", 0, 4),
    commune("35000", "Rennes", "35", 0, 3),
    commune("29200", "Brest", "29", 0, 3),
    commune("34000", "Montpellier", "34", 0, 3),
    commune("20000", "Ajaccio", "2A", 0, 3),
    commune("20200", "Bastia", "2B", 0, 3),
    commune("97400", "Saint-Denis", "974", 0, 3),
];

/// The logins of the health-service staff who open consultations.
pub(crate) const STAFF: &[&str] =
    &["inf.durand", "inf.moreau", "inf.petit", "inf.garnier", "dr.bernard", "dr.lefevre", "dr.nguyen", "psy.roux"];

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use calcium_core::reference::COUNTRIES;

    use super::*;

    #[test]
    fn main_lists_are_long_distinct_and_show_french_spellings() {
        for list in [SURNAMES, MALE_FIRST_NAMES, FEMALE_FIRST_NAMES, STREETS] {
            assert!((80..=200).contains(&list.len()), "{}", list.len());
            let distinct: HashSet<_> = list.iter().collect();
            assert_eq!(distinct.len(), list.len(), "a list repeats an entry");
        }
        for name in ["Lefèvre", "Gérard", "de la Fontaine", "Le Goff", "D'Amico", "Du Pont", "Martin-Leroy"] {
            assert!(SURNAMES.contains(&name), "{name}");
        }
        for name in ["Jean-Pierre", "Loïc", "Noël", "Maël", "François", "Jérôme"] {
            assert!(MALE_FIRST_NAMES.contains(&name), "{name}");
        }
        for name in ["Marie-Ève", "Zoé", "Anaïs", "Chloé", "Héloïse", "Inès", "Léa", "Gaëlle", "Bérénice"] {
            assert!(FEMALE_FIRST_NAMES.contains(&name), "{name}");
        }
    }

    #[test]
    fn foreign_origins_are_the_foreign_countries_of_the_nomenclature() {
        let foreign: HashSet<&str> = COUNTRIES.iter().map(|c| c.0).filter(|&code| code != "100").collect();
        let origins: HashSet<&str> = FOREIGN_ORIGINS.iter().map(|o| o.country).collect();
        assert_eq!(origins, foreign);
        assert_eq!(origins.len(), FOREIGN_ORIGINS.len());
        assert_eq!(FOREIGN_ORIGINS.iter().map(|o| o.per_mille).sum::<u32>(), 150);
        for origin in FOREIGN_ORIGINS {
            let names = origin.names;
            assert!(!names.surnames.is_empty() && !names.male.is_empty() && !names.female.is_empty());
            assert!(!origin.cities.is_empty(), "{}", origin.country);
        }
    }

    #[test]
    fn communes_have_postcodes_and_nir_departments() {
        for commune in COMMUNES {
            assert!(commune.postcode.len() == 5 && commune.postcode.bytes().all(|b| b.is_ascii_digit()));
            let department = commune.department;
            assert!(department.len() == 3 || commune.postcode.starts_with(department) || department.starts_with('2'));
        }
        assert!(COMMUNES.iter().any(|c| c.department == "2A") && COMMUNES.iter().any(|c| c.department == "2B"));
    }
}
