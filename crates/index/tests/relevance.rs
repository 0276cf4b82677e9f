//! Relevance tests, in the manner of Meilisearch's (`milli/src/search/new/tests`): each test
//! states in prose the property it checks, then asserts the ranked documents, by name.
//!
//! One small fixture serves them all: French and English training offers, skill profiles and
//! organisations in Montpellier, Nîmes, Toulouse and Paris, over the real skills taxonomy
//! (`migrations/data/skills.json`), so that synonyms and broader skills are the ones users meet.
//! One test adds a hundred look-alike offers to it, to make a word common.

// In a test, a failed unwrap is a failed test, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::sync::Arc;

use TextLanguage::{English, French};
use passerelle_index::{
    Changes, Checkpoint, Cursor, Document, DocumentKey, DocumentKind, Filter, IndexHome, Near,
    Point, SearchIndex, SearchRequest, SearchResults, Sort, SuggestionTarget, Taxonomy,
    TaxonomySkill, TextLanguage,
};

/// Days since 1970-01-01 that the tests call today (early October 2024).
const TODAY: i64 = 20_000;

const MONTPELLIER: Point = Point {
    latitude: 43.611,
    longitude: 3.877,
};
const NIMES: Point = Point {
    latitude: 43.837,
    longitude: 4.360,
};
const TOULOUSE: Point = Point {
    latitude: 43.604,
    longitude: 1.444,
};
const PARIS: Point = Point {
    latitude: 48.857,
    longitude: 2.352,
};

/// The fixture's documents by name; a document's id is its position here, plus one.
const NAMES: &[&str] = &[
    // Training offers.
    "rust-montpellier",
    "python-nimes",
    "javascript-toulouse",
    "kubernetes-paris",
    "docker-paris",
    "appsec-montpellier",
    "html-toulouse",
    "react-montpellier",
    "reach-paris",
    "management-nimes",
    "cyber-nimes",
    "python-toulouse",
    // Skill profiles.
    "lea-dupont",
    "sam-taylor",
    "ines-martin",
    "hugo-bernard",
    "nora-said",
    // Organisations.
    "occitanie-numerique",
    "nimes-cyber-campus",
    "toulouse-cloud-academy",
    "lutece-formation",
];

fn id(name: &str) -> u128 {
    let position = NAMES
        .iter()
        .position(|known| *known == name)
        .unwrap_or_else(|| panic!("{name} is not in the fixture"));
    position as u128 + 1
}

fn name(id: u128) -> &'static str {
    NAMES[usize::try_from(id - 1).unwrap()]
}

fn kind_of(name: &str) -> DocumentKind {
    match id(name) {
        1..=12 => DocumentKind::TrainingOffer,
        13..=17 => DocumentKind::SkillProfile,
        _ => DocumentKind::Organisation,
    }
}

fn key(name: &str) -> DocumentKey {
    DocumentKey {
        kind: kind_of(name),
        id: id(name),
    }
}

/// The real taxonomy, as the server loads it.
fn taxonomy() -> Arc<Taxonomy> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/data/skills.json");
    let json = std::fs::read_to_string(&path).unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    let text = |value: &serde_json::Value| value.as_str().map(str::to_owned);
    let skills = entries
        .iter()
        .map(|entry| {
            let mut alt_labels: Vec<String> = Vec::new();
            for list in ["alt_labels_fr", "alt_labels_en"] {
                for label in entry[list].as_array().into_iter().flatten() {
                    let label = text(label).unwrap();
                    if !alt_labels.contains(&label) {
                        alt_labels.push(label);
                    }
                }
            }
            TaxonomySkill {
                slug: text(&entry["slug"]).unwrap(),
                broader: text(&entry["broader"]),
                label_fr: text(&entry["label_fr"]).unwrap(),
                label_en: text(&entry["label_en"]).unwrap(),
                alt_labels,
            }
        })
        .collect();
    Arc::new(Taxonomy::new(skills))
}

/// A place: where a document is and its department.
struct Place(Point, &'static str);

const AT_MONTPELLIER: Place = Place(MONTPELLIER, "34");
const AT_NIMES: Place = Place(NIMES, "30");
const AT_TOULOUSE: Place = Place(TOULOUSE, "31");
const AT_PARIS: Place = Place(PARIS, "75");

/// A document with only its name, language, title and place; the rest is filled in by each
/// fixture entry.
fn document(name: &str, language: TextLanguage, title: &str, place: &Place) -> Document {
    document_with_key(key(name), language, title, place)
}

fn document_with_key(
    key: DocumentKey,
    language: TextLanguage,
    title: &str,
    place: &Place,
) -> Document {
    Document {
        key,
        language,
        title: title.to_owned(),
        body: Vec::new(),
        context: Vec::new(),
        skills: Vec::new(),
        departments: vec![place.1.to_owned()],
        points: vec![place.0],
        modality: None,
        price_cents: None,
        cpf_eligible: false,
        certified: false,
        qualiopi: false,
        session_starts: Vec::new(),
        available_from: None,
        sort_time: key.id as i64 * 1000,
    }
}

fn strings(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| (*text).to_owned()).collect()
}

fn skills(skills: &[(&str, u8)]) -> Vec<(String, u8)> {
    skills
        .iter()
        .map(|(slug, level)| ((*slug).to_owned(), *level))
        .collect()
}

fn modality(code: &str) -> Option<String> {
    Some(code.to_owned())
}

fn fixture_documents() -> Vec<Document> {
    vec![
        Document {
            body: strings(&[
                "Possession, emprunts et concurrence sans peur : une semaine pour écrire vos \
                 premiers outils en ligne de commande.",
            ]),
            context: strings(&["Occitanie Numérique", "Montpellier"]),
            skills: skills(&[("rust", 3)]),
            modality: modality("IN_PERSON"),
            price_cents: Some(180_000),
            cpf_eligible: true,
            certified: true,
            qualiopi: true,
            session_starts: vec![20_030, 20_090],
            ..document(
                "rust-montpellier",
                French,
                "Rust : les fondamentaux",
                &AT_MONTPELLIER,
            )
        },
        Document {
            body: strings(&[
                "Pandas, visualisation et statistiques appliquées aux journaux d'activité.",
            ]),
            context: strings(&["Nîmes Cyber Campus", "Nîmes"]),
            skills: skills(&[("python", 2), ("pandas", 2)]),
            modality: modality("BLENDED"),
            price_cents: Some(120_000),
            cpf_eligible: true,
            qualiopi: true,
            session_starts: vec![20_010],
            ..document(
                "python-nimes",
                French,
                "Python pour l'analyse de données",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Du navigateur au serveur : modules, promesses et typage progressif."]),
            context: strings(&["Toulouse Cloud Academy", "Toulouse"]),
            skills: skills(&[("javascript", 2), ("typescript", 2)]),
            modality: modality("REMOTE"),
            price_cents: Some(90_000),
            session_starts: vec![20_060],
            ..document(
                "javascript-toulouse",
                French,
                "JavaScript et TypeScript modernes",
                &AT_TOULOUSE,
            )
        },
        Document {
            body: strings(&[
                "Deploy, scale and observe containerised services on a managed cluster.",
            ]),
            context: strings(&["Lutèce Formation", "Paris"]),
            skills: skills(&[("kubernetes", 4)]),
            modality: modality("REMOTE"),
            price_cents: Some(250_000),
            certified: true,
            qualiopi: true,
            // The first session has already started.
            session_starts: vec![19_990, 20_120],
            ..document(
                "kubernetes-paris",
                English,
                "Kubernetes in production",
                &AT_PARIS,
            )
        },
        Document {
            body: strings(&["Images, volumes and compose files, hands-on."]),
            context: strings(&["Lutèce Formation", "Paris"]),
            skills: skills(&[("docker", 2)]),
            modality: modality("IN_PERSON"),
            // Priced on request: no price.
            ..document(
                "docker-paris",
                English,
                "Docker training for teams",
                &AT_PARIS,
            )
        },
        Document {
            body: strings(&[
                "Les failles du Top 10 et comment les corriger avant la mise en ligne.",
            ]),
            context: strings(&["Occitanie Numérique", "Montpellier"]),
            skills: skills(&[("securite-applicative", 3), ("owasp", 3)]),
            modality: modality("BLENDED"),
            price_cents: Some(150_000),
            cpf_eligible: true,
            certified: true,
            session_starts: vec![20_045],
            ..document(
                "appsec-montpellier",
                French,
                "Sécurité des applications web",
                &AT_MONTPELLIER,
            )
        },
        Document {
            body: strings(&["Échapper ce qui s'affiche, sans <b>exception</b> & sans regret."]),
            context: strings(&["Toulouse Cloud Academy", "Toulouse"]),
            skills: skills(&[("html-css", 1)]),
            modality: modality("IN_PERSON"),
            price_cents: Some(50_000),
            cpf_eligible: true,
            session_starts: vec![20_005],
            ..document(
                "html-toulouse",
                French,
                "HTML sans risque : la balise <script> apprivoisée",
                &AT_TOULOUSE,
            )
        },
        Document {
            body: strings(&["Composants, état et rendu côté serveur."]),
            context: strings(&["Occitanie Numérique", "Montpellier"]),
            skills: skills(&[("react", 2)]),
            modality: modality("IN_PERSON"),
            price_cents: Some(200_000),
            qualiopi: true,
            session_starts: vec![20_200],
            ..document(
                "react-montpellier",
                French,
                "Développement web avec React",
                &AT_MONTPELLIER,
            )
        },
        Document {
            body: strings(&["Search ads and newsletters that convert."]),
            context: strings(&["Lutèce Formation", "Paris"]),
            skills: skills(&[("sea", 2)]),
            modality: modality("REMOTE"),
            price_cents: Some(70_000),
            cpf_eligible: true,
            session_starts: vec![20_015],
            ..document(
                "reach-paris",
                English,
                "Reach your audience online",
                &AT_PARIS,
            )
        },
        Document {
            body: strings(&[
                "Pour les responsables qui encadrent des développeurs Rust ou Python.",
            ]),
            context: strings(&["Nîmes Cyber Campus", "Nîmes"]),
            skills: skills(&[("conduite-du-changement", 2)]),
            modality: modality("IN_PERSON"),
            price_cents: Some(80_000),
            cpf_eligible: true,
            qualiopi: true,
            session_starts: vec![20_020],
            ..document(
                "management-nimes",
                French,
                "Management d'équipe technique",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Les bons réflexes face au hameçonnage et aux rançongiciels."]),
            context: strings(&["Nîmes Cyber Campus", "Nîmes"]),
            skills: skills(&[("cybersecurite", 1), ("sensibilisation-cyber", 1)]),
            modality: modality("REMOTE"),
            price_cents: Some(40_000),
            cpf_eligible: true,
            certified: true,
            qualiopi: true,
            session_starts: vec![20_100],
            ..document(
                "cyber-nimes",
                French,
                "Initiation à la cybersécurité",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Batch pipelines, scheduling and REST calls with Airflow."]),
            context: strings(&["Toulouse Cloud Academy", "Toulouse"]),
            skills: skills(&[("python", 3), ("apache-airflow", 2)]),
            modality: modality("BLENDED"),
            qualiopi: true,
            session_starts: vec![20_150, 20_025],
            ..document(
                "python-toulouse",
                English,
                "Python for data engineers",
                &AT_TOULOUSE,
            )
        },
        Document {
            body: strings(&["Dix ans de services réseau en Rust et PostgreSQL."]),
            context: strings(&["Montpellier"]),
            skills: skills(&[("rust", 4), ("postgresql", 3)]),
            modality: modality("REMOTE"),
            available_from: Some(20_000),
            ..document(
                "lea-dupont",
                French,
                "Léa Dupont, développeur backend Rust",
                &AT_MONTPELLIER,
            )
        },
        Document {
            body: strings(&["Platform work: clusters, charts and on-call."]),
            context: strings(&["Toulouse"]),
            skills: skills(&[("kubernetes", 5), ("docker", 4), ("helm", 3)]),
            modality: modality("BLENDED"),
            available_from: Some(20_100),
            ..document(
                "sam-taylor",
                English,
                "Sam Taylor, Kubernetes engineer",
                &AT_TOULOUSE,
            )
        },
        Document {
            body: strings(&["Tableaux de bord et études statistiques pour les collectivités."]),
            context: strings(&["Nîmes"]),
            skills: skills(&[("python", 2), ("pandas", 3)]),
            modality: modality("IN_PERSON"),
            ..document(
                "ines-martin",
                French,
                "Inès Martin, analyste de données",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Interfaces accessibles, du composant à la page."]),
            context: strings(&["Paris"]),
            skills: skills(&[("javascript", 3), ("react", 2)]),
            modality: modality("REMOTE"),
            available_from: Some(20_300),
            ..document(
                "hugo-bernard",
                French,
                "Hugo Bernard, intégrateur JS",
                &AT_PARIS,
            )
        },
        Document {
            body: strings(&["Runs k8s clusters for a living; trained dozens of operators."]),
            context: strings(&["Nîmes"]),
            skills: skills(&[("linux", 4)]),
            modality: modality("IN_PERSON"),
            available_from: Some(20_050),
            ..document(
                "nora-said",
                English,
                "Nora Said, platform engineer",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Organisme de formation aux métiers du logiciel libre."]),
            context: strings(&["Montpellier"]),
            qualiopi: true,
            ..document(
                "occitanie-numerique",
                French,
                "Occitanie Numérique",
                &AT_MONTPELLIER,
            )
        },
        Document {
            body: strings(&["Centre de formation en sécurité informatique."]),
            context: strings(&["Nîmes"]),
            skills: skills(&[("cybersecurite", 0)]),
            ..document(
                "nimes-cyber-campus",
                French,
                "Nîmes Cyber Campus",
                &AT_NIMES,
            )
        },
        Document {
            body: strings(&["Kubernetes and Terraform courses for operations teams."]),
            context: strings(&["Toulouse"]),
            skills: skills(&[("kubernetes", 0), ("terraform", 0)]),
            qualiopi: true,
            ..document(
                "toulouse-cloud-academy",
                English,
                "Toulouse Cloud Academy",
                &AT_TOULOUSE,
            )
        },
        Document {
            body: strings(&[
                "Formations courtes pour les équipes marketing et produit, et une initiation \
                 à JavaScript.",
            ]),
            context: strings(&["Paris"]),
            skills: skills(&[("scrum", 0)]),
            qualiopi: true,
            ..document("lutece-formation", French, "Lutèce Formation", &AT_PARIS)
        },
    ]
}

const CHECKPOINT_SEQ: i64 = 42;

fn checkpoint() -> Checkpoint {
    Checkpoint {
        seq: CHECKPOINT_SEQ,
        database: "relevance-fixture".to_owned(),
    }
}

/// An index of the fixture in a folder of its own, removed at the end of the test.
struct Fixture {
    index: SearchIndex,
    folder: tempfile::TempDir,
}

fn open(folder: &Path) -> SearchIndex {
    SearchIndex::open(IndexHome::new(folder), taxonomy()).unwrap()
}

fn fixture() -> Fixture {
    let folder = tempfile::tempdir().unwrap();
    let index = open(folder.path());
    let changes = Changes {
        upserts: fixture_documents(),
        deletes: Vec::new(),
    };
    index.apply(&changes, &checkpoint()).unwrap();
    Fixture { index, folder }
}

fn request(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_owned(),
        filter: Filter::default(),
        sort: Sort::Relevance,
        first: 100,
        after: None,
        today: TODAY,
        facets: true,
    }
}

fn filtered(text: &str, filter: Filter) -> SearchRequest {
    SearchRequest {
        filter,
        ..request(text)
    }
}

fn sorted(sort: Sort, filter: Filter) -> SearchRequest {
    SearchRequest {
        sort,
        filter,
        ..request("")
    }
}

fn names(results: &SearchResults) -> Vec<&'static str> {
    results.hits.iter().map(|hit| name(hit.key.id)).collect()
}

impl Fixture {
    fn run(&self, request: &SearchRequest) -> SearchResults {
        self.index.search(request).unwrap()
    }

    /// The names of the documents a request finds, in order.
    fn find(&self, request: &SearchRequest) -> Vec<&'static str> {
        let results = self.run(request);
        assert_eq!(
            results.total as usize,
            results.hits.len(),
            "the fixture is smaller than a page: every hit is on it"
        );
        names(&results)
    }

    fn text(&self, text: &str) -> Vec<&'static str> {
        self.find(&request(text))
    }
}

fn offers_only() -> Filter {
    Filter {
        kinds: vec![DocumentKind::TrainingOffer],
        ..Filter::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Words: accents, stems, typos, prefixes.

/// Accents and case do not matter: "securite" is "Sécurité" and finds it as an exact word.
/// (The cybersecurity offer follows: "Security", in the English label of its skill, is one
/// typo away.)
#[test]
fn accents_and_case_are_folded() {
    let fixture = fixture();
    let securite = fixture.find(&filtered("securite", offers_only()));
    assert_eq!(securite, ["appsec-montpellier", "cyber-nimes"]);
    assert_eq!(fixture.find(&filtered("SÉCURITÉ", offers_only())), securite);
    assert_eq!(fixture.find(&filtered("Securité", offers_only())), securite);
}

/// A French word meets its other forms through the French stemmer: "développeurs" finds the
/// profile titled "développeur", and "journal" finds "journaux", which is two edits away and
/// so beyond typo tolerance: only the stem can join them.
#[test]
fn french_words_match_by_stem() {
    let fixture = fixture();
    assert_eq!(
        fixture.find(&filtered(
            "développeurs",
            Filter {
                kinds: vec![DocumentKind::SkillProfile],
                ..Filter::default()
            }
        )),
        ["lea-dupont"]
    );
    assert_eq!(fixture.text("journal"), ["python-nimes"]);
}

/// An English word meets its other forms through the English stemmer: "trainings" finds
/// "training" (in a title) and "trained" (in a description, so second); "trained", three
/// edits from "training", finds it too.
#[test]
fn english_words_match_by_stem() {
    let fixture = fixture();
    assert_eq!(fixture.text("trainings"), ["docker-paris", "nora-said"]);
    assert_eq!(fixture.text("trained"), ["docker-paris", "nora-said"]);
}

/// Typo tolerance grows with the length of the word: one typo from five letters ("pythn",
/// "dokcer"), two from nine ("kubarnetis"); "pyhtn" carries two typos in five letters and finds
/// nothing.
#[test]
fn typos_allowed_grow_with_word_length() {
    let fixture = fixture();
    // Typo matches score a constant per field: the two offers with Python in their title or
    // skills tie (the higher id first), the one with Python in its description follows.
    assert_eq!(
        fixture.find(&filtered("pythn", offers_only())),
        ["python-toulouse", "python-nimes", "management-nimes"]
    );
    assert_eq!(
        fixture.find(&filtered("dokcer", offers_only())),
        ["docker-paris"]
    );
    assert_eq!(
        fixture.find(&filtered("kubarnetis", offers_only())),
        ["kubernetes-paris"]
    );
    assert!(fixture.text("pyhtn").is_empty());
}

/// A typo on the first letter counts as two: "lubernetes" (ten letters, so two typos allowed)
/// finds Kubernetes, "lubarnetes" (that typo and another) does not, and neither does "focker"
/// (six letters, one typo allowed) find Docker, which "dokcer" finds.
#[test]
fn a_typo_on_the_first_letter_counts_as_two() {
    let fixture = fixture();
    assert_eq!(
        fixture.find(&filtered("lubernetes", offers_only())),
        ["kubernetes-paris"]
    );
    assert!(fixture.text("lubarnetes").is_empty());
    assert!(fixture.text("focker").is_empty());
}

/// Words of four letters or fewer get no typo: "rsut" is not "rust", and "rust" is not "REST"
/// (which the Airflow offer mentions).
#[test]
fn short_words_get_no_typo() {
    let fixture = fixture();
    assert!(fixture.text("rsut").is_empty());
    assert_eq!(fixture.text("rest"), ["python-toulouse"]);
    assert!(
        !fixture.text("rust").contains(&"python-toulouse"),
        "rust is one letter from REST"
    );
}

/// The exact word ranks above a word one typo away, both in titles: "reach" puts "Reach your
/// audience online" before "Développement web avec React" (and Hugo Bernard's profile, whose
/// React skill label is as much a title; the two typo matches tie, the higher id first).
#[test]
fn exact_match_ranks_above_typo_match() {
    let fixture = fixture();
    assert_eq!(
        fixture.text("reach"),
        ["reach-paris", "hugo-bernard", "react-montpellier"]
    );
}

/// A word written as typed in many documents is taken as meant, and its typo variants are not
/// searched (they would rank below all its exact matches anyway). While "formation" is rare,
/// "formation groupe" finds the offer titled "Formulation des besoins" (two typos away),
/// with "groupe" in its description; once "formation" is in a hundred descriptions, the same
/// query finds those hundred and not the typo.
#[test]
fn a_word_common_as_typed_gets_no_typo_variants() {
    let fixture = fixture();
    let offer = |id: u128, title: &str, body: &str| Document {
        body: strings(&[body]),
        ..document_with_key(
            DocumentKey {
                kind: DocumentKind::TrainingOffer,
                id,
            },
            French,
            title,
            &AT_NIMES,
        )
    };
    let apply = |upserts: Vec<Document>| {
        let changes = Changes {
            upserts,
            deletes: Vec::new(),
        };
        fixture.index.apply(&changes, &checkpoint()).unwrap();
    };
    let found = || -> (Vec<u128>, u64) {
        let results = fixture.run(&SearchRequest {
            first: 200,
            ..request("formation groupe")
        });
        (
            results.hits.iter().map(|hit| hit.key.id).collect(),
            results.total,
        )
    };
    apply(vec![offer(
        201,
        "Formulation des besoins",
        "Travail en groupe.",
    )]);
    let (rare, _) = found();
    assert!(rare.contains(&201), "{rare:?}");

    apply(
        (101..=200)
            .map(|id| {
                offer(
                    id,
                    "Atelier pratique",
                    "Une formation en petit groupe, avec des exercices.",
                )
            })
            .collect(),
    );
    let (common, total) = found();
    assert!(!common.contains(&201), "{common:?}");
    assert_eq!(total, 100);
}

/// The last word is also a prefix (search as you type): "kubern" finds Kubernetes. Earlier
/// words are whole words: in "kubern docker", "kubern" is only a (misspelt) word, so no document
/// has both and the fallback finds the Docker documents alone.
#[test]
fn only_the_last_word_is_a_prefix() {
    let fixture = fixture();
    assert_eq!(
        fixture.find(&filtered("kubern", offers_only())),
        ["kubernetes-paris"]
    );
    assert_eq!(
        fixture.text("kubern docker"),
        fixture.text("docker"),
        "kubern is not completed when another word follows"
    );
    assert!(
        fixture.text("kubern ").is_empty(),
        "a word followed by a space is finished"
    );
    assert!(
        fixture.text("kubern de").is_empty(),
        "so is a word followed by a stop word"
    );
}

// ---------------------------------------------------------------------------------------------
// The taxonomy: synonyms and broader skills.

/// A synonym stands for its skill and its label: "JS" finds the profile that says "JS", the
/// offer with the JavaScript skill, and the organisation that only writes "JavaScript" in its
/// description; "k8s" ranks the Kubernetes documents as "kubernetes" would (title, then
/// description), the profile that says "k8s" in its description with them.
#[test]
fn synonyms_find_the_skill() {
    let fixture = fixture();
    assert_eq!(
        fixture.text("JS"),
        ["hugo-bernard", "javascript-toulouse", "lutece-formation"]
    );
    assert_eq!(
        fixture.text("k8s"),
        [
            "kubernetes-paris",
            "sam-taylor",
            "toulouse-cloud-academy",
            "nora-said"
        ]
    );
}

/// A label of several words is recognised even with its stop words dropped from the query:
/// "gestion de projet" stands for project management and every skill under it, so it finds
/// the organisation teaching Scrum and the offer on change management, which no text of
/// theirs names.
#[test]
fn labels_with_stop_words_are_recognised() {
    let fixture = fixture();
    let project_management = ["lutece-formation", "management-nimes"];
    assert_eq!(fixture.text("gestion de projet"), project_management);
    assert_eq!(fixture.text("Gestion projet"), project_management);
}

/// A broader skill stands for the skills under it: no text says "programmation", but the
/// query finds every offer teaching a programming language, and so does the filter. Having
/// the skill is yes or no, so they tie, the higher id first.
#[test]
fn broader_skills_find_narrower_ones() {
    let fixture = fixture();
    let programming = [
        "python-toulouse",
        "javascript-toulouse",
        "python-nimes",
        "rust-montpellier",
    ];
    assert_eq!(
        fixture.find(&filtered("programmation", offers_only())),
        programming
    );
    let filter = Filter {
        all_skills: vec!["programmation".to_owned()],
        ..offers_only()
    };
    let mut found = fixture.find(&filtered("", filter));
    found.sort_unstable();
    let mut expected = programming.to_vec();
    expected.sort_unstable();
    assert_eq!(found, expected);
}

// ---------------------------------------------------------------------------------------------
// Ranking across fields and words.

/// A word in the title or the skills ranks above the same word only in the description: the
/// management offer mentions Rust in passing and comes last.
#[test]
fn title_and_skills_outrank_description() {
    let fixture = fixture();
    assert_eq!(
        fixture.text("rust"),
        ["rust-montpellier", "lea-dupont", "management-nimes"]
    );
}

/// Filters select and do not score: the documents a filter keeps are ranked as they are
/// without it.
#[test]
fn filters_do_not_change_the_ranking() {
    let fixture = fixture();
    let filters = [
        Filter {
            min_level: Some(1),
            ..Filter::default()
        },
        Filter {
            cpf_eligible: Some(true),
            ..Filter::default()
        },
        Filter {
            any_skills: vec!["python".to_owned(), "conduite-du-changement".to_owned()],
            ..Filter::default()
        },
        Filter {
            all_skills: vec!["programmation".to_owned()],
            ..Filter::default()
        },
    ];
    for text in ["python", "programmation", "rust python kotlin", "formation"] {
        let unfiltered = fixture.text(text);
        for filter in &filters {
            let kept = fixture.find(&filtered("", filter.clone()));
            let expected: Vec<&str> = unfiltered
                .iter()
                .copied()
                .filter(|name| kept.contains(name))
                .collect();
            assert_eq!(
                fixture.find(&filtered(text, filter.clone())),
                expected,
                "{text} {filter:?}"
            );
        }
    }
}

/// Every word must match when some document has them all; the others are left out.
#[test]
fn all_words_must_match_when_possible() {
    let fixture = fixture();
    assert_eq!(fixture.text("python toulouse"), ["python-toulouse"]);
}

/// When no document has every word, documents with some of them are found, those with the
/// most words first: "rust python kotlin" (no Kotlin anywhere) puts the offer that names both
/// Rust and Python, if only in its description, above every document with one of them, which
/// then rank as "rust" and "python" alone would rank them (titles and skills, then skills
/// alone).
#[test]
fn any_words_when_no_document_has_all() {
    let fixture = fixture();
    assert_eq!(
        fixture.text("rust python kotlin"),
        [
            "management-nimes",
            "rust-montpellier",
            "lea-dupont",
            "python-nimes",
            "python-toulouse",
            "ines-martin",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Browsing and filters.

/// An empty query lists everything that passes the filters.
#[test]
fn empty_query_browses_with_filters() {
    let fixture = fixture();
    assert_eq!(fixture.run(&request("")).total, NAMES.len() as u64);
    let mut found = fixture.find(&filtered(
        "",
        Filter {
            departments: vec!["34".to_owned()],
            ..Filter::default()
        },
    ));
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "appsec-montpellier",
            "lea-dupont",
            "occitanie-numerique",
            "react-montpellier",
            "rust-montpellier",
        ]
    );
}

fn sorted_names(fixture: &Fixture, filter: Filter) -> Vec<&'static str> {
    let mut found = fixture.find(&filtered("", filter));
    found.sort_unstable();
    found
}

/// Each filter keeps exactly the documents it describes.
#[test]
fn each_filter_keeps_what_it_says() {
    let fixture = fixture();
    let cases: Vec<(&str, Filter, Vec<&str>)> = vec![
        (
            "kinds",
            Filter {
                kinds: vec![DocumentKind::Organisation],
                ..Filter::default()
            },
            vec![
                "lutece-formation",
                "nimes-cyber-campus",
                "occitanie-numerique",
                "toulouse-cloud-academy",
            ],
        ),
        (
            "all skills, with a broader one",
            Filter {
                all_skills: vec!["conteneurisation".to_owned(), "helm".to_owned()],
                ..Filter::default()
            },
            vec!["sam-taylor"],
        ),
        (
            "all skills at a minimum level",
            Filter {
                all_skills: vec!["python".to_owned()],
                min_level: Some(3),
                ..Filter::default()
            },
            vec!["python-toulouse"],
        ),
        (
            "a broader skill at a minimum level: any skill under it at that level",
            Filter {
                all_skills: vec!["programmation".to_owned()],
                min_level: Some(3),
                ..Filter::default()
            },
            vec![
                "hugo-bernard",
                "lea-dupont",
                "python-toulouse",
                "rust-montpellier",
            ],
        ),
        (
            "any skill",
            Filter {
                any_skills: vec!["rust".to_owned(), "react".to_owned()],
                ..Filter::default()
            },
            vec![
                "hugo-bernard",
                "lea-dupont",
                "react-montpellier",
                "rust-montpellier",
            ],
        ),
        (
            "a minimum level on any skill",
            Filter {
                min_level: Some(5),
                ..Filter::default()
            },
            vec!["sam-taylor"],
        ),
        (
            "departments",
            Filter {
                departments: vec!["30".to_owned(), "31".to_owned()],
                kinds: vec![DocumentKind::TrainingOffer],
                ..Filter::default()
            },
            vec![
                "cyber-nimes",
                "html-toulouse",
                "javascript-toulouse",
                "management-nimes",
                "python-nimes",
                "python-toulouse",
            ],
        ),
        (
            "modalities",
            Filter {
                modalities: vec!["REMOTE".to_owned()],
                kinds: vec![DocumentKind::TrainingOffer],
                ..Filter::default()
            },
            vec![
                "cyber-nimes",
                "javascript-toulouse",
                "kubernetes-paris",
                "reach-paris",
            ],
        ),
        (
            "maximum price (offers without a price are left out)",
            Filter {
                max_price_cents: Some(80_000),
                ..Filter::default()
            },
            vec![
                "cyber-nimes",
                "html-toulouse",
                "management-nimes",
                "reach-paris",
            ],
        ),
        (
            "CPF eligible",
            Filter {
                cpf_eligible: Some(true),
                ..Filter::default()
            },
            vec![
                "appsec-montpellier",
                "cyber-nimes",
                "html-toulouse",
                "management-nimes",
                "python-nimes",
                "reach-paris",
                "rust-montpellier",
            ],
        ),
        (
            "not CPF eligible (offers only)",
            Filter {
                cpf_eligible: Some(false),
                ..Filter::default()
            },
            vec![
                "docker-paris",
                "javascript-toulouse",
                "kubernetes-paris",
                "python-toulouse",
                "react-montpellier",
            ],
        ),
        (
            "certified",
            Filter {
                certified_only: true,
                ..Filter::default()
            },
            vec![
                "appsec-montpellier",
                "cyber-nimes",
                "kubernetes-paris",
                "rust-montpellier",
            ],
        ),
        (
            "Qualiopi",
            Filter {
                qualiopi_only: true,
                kinds: vec![DocumentKind::Organisation],
                ..Filter::default()
            },
            vec![
                "lutece-formation",
                "occitanie-numerique",
                "toulouse-cloud-academy",
            ],
        ),
        (
            "starting after (a session already started does not count)",
            Filter {
                starts_after: Some(TODAY - 30),
                starts_before: Some(TODAY + 12),
                ..Filter::default()
            },
            vec!["html-toulouse", "python-nimes"],
        ),
        (
            "starting in a window, any session of the offer",
            Filter {
                starts_after: Some(TODAY + 80),
                starts_before: Some(TODAY + 100),
                ..Filter::default()
            },
            vec!["cyber-nimes", "rust-montpellier"],
        ),
        (
            "available before (profiles only; no date means available now)",
            Filter {
                available_before: Some(TODAY + 60),
                ..Filter::default()
            },
            vec!["ines-martin", "lea-dupont", "nora-said"],
        ),
        (
            "within 60 km of Montpellier",
            Filter {
                near: Some(Near {
                    centre: MONTPELLIER,
                    radius_km: 60.0,
                }),
                kinds: vec![DocumentKind::Organisation],
                ..Filter::default()
            },
            vec!["nimes-cyber-campus", "occitanie-numerique"],
        ),
    ];
    for (label, filter, expected) in cases {
        assert_eq!(sorted_names(&fixture, filter), expected, "{label}");
    }
}

// ---------------------------------------------------------------------------------------------
// Sorts.

/// NEWEST puts the most recently published first.
#[test]
fn newest_first() {
    let fixture = fixture();
    assert_eq!(
        fixture.find(&sorted(Sort::Newest, offers_only())),
        [
            "python-toulouse",
            "cyber-nimes",
            "management-nimes",
            "reach-paris",
            "react-montpellier",
            "html-toulouse",
            "appsec-montpellier",
            "docker-paris",
            "kubernetes-paris",
            "javascript-toulouse",
            "python-nimes",
            "rust-montpellier",
        ]
    );
}

/// PRICE_ASC puts the cheapest first and those without a price last.
#[test]
fn cheapest_first_and_unpriced_last() {
    let fixture = fixture();
    let found = fixture.find(&sorted(Sort::PriceAscending, offers_only()));
    assert_eq!(
        found,
        [
            "cyber-nimes",
            "html-toulouse",
            "reach-paris",
            "management-nimes",
            "javascript-toulouse",
            "python-nimes",
            "appsec-montpellier",
            "rust-montpellier",
            "react-montpellier",
            "kubernetes-paris",
            // No price.
            "python-toulouse",
            "docker-paris",
        ]
    );
}

/// START_DATE puts the offer whose next session starts soonest first; sessions already
/// started do not count, and offers without a coming session come last.
#[test]
fn soonest_session_first() {
    let fixture = fixture();
    assert_eq!(
        fixture.find(&sorted(Sort::StartDate, offers_only())),
        [
            "html-toulouse",
            "python-nimes",
            "reach-paris",
            "management-nimes",
            "python-toulouse",
            "rust-montpellier",
            "appsec-montpellier",
            "javascript-toulouse",
            "cyber-nimes",
            "kubernetes-paris",
            "react-montpellier",
            // No session.
            "docker-paris",
        ]
    );
}

/// DISTANCE puts the nearest first and says how far each hit is.
#[test]
fn nearest_first_with_distances() {
    let fixture = fixture();
    let request = sorted(
        Sort::Distance,
        Filter {
            kinds: vec![DocumentKind::Organisation],
            near: Some(Near {
                centre: MONTPELLIER,
                radius_km: 1000.0,
            }),
            ..Filter::default()
        },
    );
    let results = fixture.run(&request);
    assert_eq!(
        names(&results),
        [
            "occitanie-numerique",
            "nimes-cyber-campus",
            "toulouse-cloud-academy",
            "lutece-formation"
        ]
    );
    let distances: Vec<f64> = results
        .hits
        .iter()
        .map(|hit| hit.distance_km.unwrap())
        .collect();
    let expected = [(0.0, 0.5), (40.0, 50.0), (190.0, 205.0), (585.0, 605.0)];
    for (distance, (low, high)) in distances.iter().zip(expected) {
        assert!((low..=high).contains(distance), "{distances:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Facets.

fn count<T: PartialEq>(counts: &[(T, u64)], value: &T) -> u64 {
    counts
        .iter()
        .find(|(counted, _)| counted == value)
        .map_or(0, |(_, count)| *count)
}

/// Without a filter on a facet, its counts are the counts of the hits.
#[test]
fn facet_counts_match_the_hits() {
    let fixture = fixture();
    let results = fixture.run(&request("python"));
    let fixture_documents = fixture_documents();
    let hits: Vec<&Document> = results
        .hits
        .iter()
        .map(|hit| {
            fixture_documents
                .iter()
                .find(|document| document.key == hit.key)
                .unwrap()
        })
        .collect();
    for kind in DocumentKind::ALL {
        let expected = hits.iter().filter(|hit| hit.key.kind == kind).count() as u64;
        assert_eq!(count(&results.facets.kinds, &kind), expected, "{kind:?}");
    }
    for (modality, counted) in &results.facets.modalities {
        let expected = hits
            .iter()
            .filter(|hit| hit.modality.as_ref() == Some(modality))
            .count() as u64;
        assert_eq!(*counted, expected, "{modality}");
    }
    for (department, counted) in &results.facets.departments {
        let expected = hits
            .iter()
            .filter(|hit| hit.departments.contains(department))
            .count() as u64;
        assert_eq!(*counted, expected, "{department}");
    }
    for (skill, counted) in &results.facets.skills {
        let expected = hits
            .iter()
            .filter(|hit| hit.skills.iter().any(|(slug, _)| slug == skill))
            .count() as u64;
        assert_eq!(*counted, expected, "{skill}");
    }
    assert_eq!(count(&results.facets.skills, &"python".to_owned()), 3);
    let counted: u64 = results.facets.kinds.iter().map(|(_, count)| count).sum();
    assert_eq!(counted, results.total);
}

/// Facets are counted only when asked for; the hits and the total are the same either way.
#[test]
fn facets_not_asked_for_are_not_counted() {
    let fixture = fixture();
    let with = fixture.run(&request("python"));
    let without = fixture.run(&SearchRequest {
        facets: false,
        ..request("python")
    });
    assert!(!with.facets.kinds.is_empty() && !with.facets.skills.is_empty());
    assert!(without.facets.kinds.is_empty() && without.facets.skills.is_empty());
    assert!(without.facets.modalities.is_empty() && without.facets.departments.is_empty());
    assert_eq!(without.total, with.total);
    assert_eq!(without.hits, with.hits);
}

/// The kinds facet ignores the kinds filter, so that ticking another kind adds exactly the
/// count shown next to it; it still follows every other filter.
#[test]
fn kinds_facet_is_disjunctive() {
    let fixture = fixture();
    let montpellier = Filter {
        departments: vec!["34".to_owned()],
        ..Filter::default()
    };
    let everything = fixture.run(&filtered("", montpellier.clone()));
    let offers = fixture.run(&filtered(
        "",
        Filter {
            kinds: vec![DocumentKind::TrainingOffer],
            ..montpellier
        },
    ));
    assert_eq!(offers.total, 3);
    assert_eq!(offers.facets.kinds, everything.facets.kinds);
    assert_eq!(
        offers.facets.kinds,
        [
            (DocumentKind::TrainingOffer, 3),
            (DocumentKind::SkillProfile, 1),
            (DocumentKind::Organisation, 1),
        ]
    );
    // The other facets follow the kinds filter.
    assert_eq!(
        count(&offers.facets.modalities, &"REMOTE".to_owned()),
        0,
        "Léa Dupont's profile is remote but filtered out"
    );
    assert_eq!(
        count(&everything.facets.modalities, &"REMOTE".to_owned()),
        1
    );
}

/// Modalities and departments follow the same rule: each facet ignores its own filter and
/// follows the others.
#[test]
fn modality_and_department_facets_are_disjunctive() {
    let fixture = fixture();
    let offers = fixture.run(&filtered("", offers_only()));
    let in_montpellier_remote = fixture.run(&filtered(
        "",
        Filter {
            departments: vec!["34".to_owned()],
            modalities: vec!["REMOTE".to_owned()],
            ..offers_only()
        },
    ));
    assert_eq!(in_montpellier_remote.total, 0);
    let in_montpellier = fixture.run(&filtered(
        "",
        Filter {
            departments: vec!["34".to_owned()],
            ..offers_only()
        },
    ));
    let remote = fixture.run(&filtered(
        "",
        Filter {
            modalities: vec!["REMOTE".to_owned()],
            ..offers_only()
        },
    ));
    assert_eq!(
        in_montpellier_remote.facets.modalities,
        in_montpellier.facets.modalities
    );
    assert_eq!(
        in_montpellier_remote.facets.departments,
        remote.facets.departments
    );
    assert_eq!(in_montpellier.facets.departments, offers.facets.departments);
    assert_eq!(
        remote.facets.departments,
        [
            ("75".to_owned(), 2),
            ("30".to_owned(), 1),
            ("31".to_owned(), 1)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Pages.

/// Pages of three, each after the previous page's last cursor, give the same hits as one big
/// page, with no repeat and no gap, and `has_next` is true on every page but the last.
#[test]
fn cursor_pages_cover_every_hit_once() {
    let fixture = fixture();
    let requests = [
        request(""),
        request("python rust kubernetes"),
        request("formation"),
        sorted(Sort::Newest, Filter::default()),
        sorted(Sort::PriceAscending, Filter::default()),
        sorted(Sort::StartDate, Filter::default()),
        sorted(
            Sort::Distance,
            Filter {
                near: Some(Near {
                    centre: NIMES,
                    radius_km: 800.0,
                }),
                ..Filter::default()
            },
        ),
    ];
    for whole in requests {
        let everything = fixture.run(&whole);
        assert!(everything.hits.len() > 3, "{whole:?}");
        let mut paged: Vec<DocumentKey> = Vec::new();
        let mut after: Option<Cursor> = None;
        loop {
            let page = fixture.run(&SearchRequest {
                first: 3,
                after,
                ..whole.clone()
            });
            assert_eq!(page.total, everything.total, "{whole:?}");
            paged.extend(page.hits.iter().map(|hit| hit.key));
            let expected_next = paged.len() < everything.hits.len();
            assert_eq!(
                page.has_next,
                expected_next,
                "{whole:?} after {}",
                paged.len()
            );
            if !page.has_next {
                break;
            }
            after = Some(page.hits.last().unwrap().cursor);
        }
        let whole_keys: Vec<DocumentKey> = everything.hits.iter().map(|hit| hit.key).collect();
        assert_eq!(paged, whole_keys, "{whole:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Highlights.

/// Matches are marked with `<mark>`, through stems, typos, synonyms and the typed prefix, and
/// the text around them is HTML-escaped.
#[test]
fn highlights_mark_matches_and_escape_the_rest() {
    let fixture = fixture();
    let mut results = fixture.run(&request("script"));
    assert_eq!(names(&results), ["html-toulouse"]);
    assert_eq!(
        results
            .highlighter
            .snippet("HTML sans risque : la balise <script> apprivoisée", 200)
            .unwrap(),
        "HTML sans risque : la balise &lt;<mark>script</mark>&gt; apprivoisée"
    );
    assert_eq!(
        results.highlighter.snippet("Rien à voir", 200),
        None,
        "nothing matched, nothing to show"
    );

    let mut results = fixture.run(&request("k8s"));
    assert_eq!(
        results
            .highlighter
            .snippet("Kubernetes, k8s pour les intimes", 200)
            .unwrap(),
        "<mark>Kubernetes</mark>, <mark>k8s</mark> pour les intimes",
        "a synonym marks the label it stands for"
    );

    let mut results = fixture.run(&request("gestion de projet"));
    assert_eq!(
        results
            .highlighter
            .snippet("Gestion de projets agiles", 200)
            .unwrap(),
        "<mark>Gestion</mark> de <mark>projets</mark> agiles",
        "stop words are not marked, not even those of a label"
    );

    let mut results = fixture.run(&request("sécurite développeurs k8s kubern"));
    let marked = results
        .highlighter
        .snippet("Sécurité pour développeur Kubernetes & <Docker>", 200)
        .unwrap();
    assert_eq!(
        marked,
        "<mark>Sécurité</mark> pour <mark>développeur</mark> <mark>Kubernetes</mark> &amp; \
         &lt;Docker&gt;"
    );
}

/// A long text is cut to a window around the first match, on word boundaries.
#[test]
fn highlights_cut_long_text_around_the_match() {
    let fixture = fixture();
    let mut results = fixture.run(&request("rust"));
    let text = format!("{} Rust {}", "mot ".repeat(100), "fin ".repeat(100));
    let snippet = results.highlighter.snippet(&text, 40).unwrap();
    assert!(
        snippet.starts_with('…') && snippet.ends_with('…'),
        "{snippet}"
    );
    assert!(snippet.contains("<mark>Rust</mark>"), "{snippet}");
    assert!(snippet.len() < 80, "{snippet}");
}

// ---------------------------------------------------------------------------------------------
// Suggestions.

/// Suggestions complete skill labels and synonyms, offer titles and organisation names, and
/// never profiles.
#[test]
fn suggestions_complete_skills_titles_and_names() {
    let fixture = fixture();
    let texts = |prefix: &str| -> Vec<(String, SuggestionTarget)> {
        fixture
            .index
            .suggest(prefix, 5)
            .unwrap()
            .into_iter()
            .map(|suggestion| (suggestion.text, suggestion.target))
            .collect()
    };
    let kubern = texts("kubern");
    assert_eq!(
        kubern[0],
        (
            "Kubernetes".to_owned(),
            SuggestionTarget::Skill("kubernetes".to_owned())
        )
    );
    assert!(
        kubern.contains(&(
            "Kubernetes in production".to_owned(),
            SuggestionTarget::Document(key("kubernetes-paris"))
        )),
        "{kubern:?}"
    );
    assert!(
        !kubern
            .iter()
            .any(|(_, target)| *target == SuggestionTarget::Document(key("sam-taylor"))),
        "profiles are not suggested: {kubern:?}"
    );
    assert_eq!(
        texts("k8")[0],
        (
            "Kubernetes".to_owned(),
            SuggestionTarget::Skill("kubernetes".to_owned())
        ),
        "a synonym suggests its skill"
    );
    assert!(
        texts("toulouse cl").contains(&(
            "Toulouse Cloud Academy".to_owned(),
            SuggestionTarget::Document(key("toulouse-cloud-academy"))
        )),
        "organisation names"
    );
    assert!(
        texts("initiation").contains(&(
            "Initiation à la cybersécurité".to_owned(),
            SuggestionTarget::Document(key("cyber-nimes"))
        )),
        "offer titles"
    );
    assert!(texts("").is_empty());
    assert!(texts("!!!").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Abuse.

/// Whatever is typed, a search returns results (maybe none) and never an error or a panic:
/// query syntax, regular expressions, unbalanced quotes, emoji and control characters are
/// just characters.
#[test]
fn abusive_queries_are_just_text() {
    let fixture = fixture();
    let long_word = "a".repeat(5000);
    let queries = [
        "rust ".repeat(10_000),
        ".,;:!?()[]{}<>\"'`~@#$%^&*-+=/\\|".repeat(330),
        "title:(a OR b) AND -c*".to_owned(),
        "\"unbalanced (quote".to_owned(),
        "((((((((((".to_owned(),
        "^.*(rust|python)+$ [a-z]{2,} \\d+".to_owned(),
        "🦀 rust 🐍 python 👩‍💻".to_owned(),
        "rust\u{0}\u{1}\u{7}\u{1b}[31m\r\n\tpython\u{7f}".to_owned(),
        long_word.clone(),
        format!("{long_word} kubernetes"),
        "é".repeat(3000),
        "\u{202e}\u{200b}\u{feff}".to_owned(),
        "NOT rust".to_owned(),
        "*".to_owned(),
        " ".to_owned(),
    ];
    for query in queries {
        for sort in [Sort::Relevance, Sort::Newest] {
            let request = SearchRequest {
                sort,
                ..request(&query)
            };
            let mut results = fixture.index.search(&request).unwrap();
            let _ = results.highlighter.snippet(&query, 100);
        }
        fixture.index.suggest(&query, 5).unwrap();
    }
    assert!(
        !fixture.text("🦀 rust").is_empty(),
        "emoji are ignored, words still count"
    );
}

/// Page sizes at the edges are answered, not a panic: an empty page still counts the hits, and
/// a page as large as memory allows is just everything.
#[test]
fn extreme_page_sizes_are_answered() {
    let fixture = fixture();
    let empty = fixture.run(&SearchRequest {
        first: 0,
        ..request("python")
    });
    assert!(empty.hits.is_empty());
    assert!(empty.has_next);
    assert_eq!(empty.total, 4);
    let everything = fixture.run(&SearchRequest {
        first: usize::MAX,
        ..request("")
    });
    assert_eq!(everything.hits.len(), NAMES.len());
    assert!(!everything.has_next);
    assert!(fixture.index.suggest("kub", 0).unwrap().is_empty());
    assert!(!fixture.index.suggest("kub", usize::MAX).unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Writes and persistence.

/// Applying the same changes twice leaves the same index.
#[test]
fn applying_twice_is_idempotent() {
    let fixture = fixture();
    let before = fixture.text("python");
    let count = fixture.index.document_count();
    let changes = Changes {
        upserts: fixture_documents(),
        deletes: Vec::new(),
    };
    fixture.index.apply(&changes, &checkpoint()).unwrap();
    assert_eq!(fixture.index.document_count(), count);
    assert_eq!(count, NAMES.len() as u64);
    assert_eq!(fixture.text("python"), before);
}

/// A deleted document is no longer found; an upsert replaces a document's text.
#[test]
fn deletes_and_updates_take_effect() {
    let fixture = fixture();
    let next = Checkpoint {
        seq: CHECKPOINT_SEQ + 1,
        ..checkpoint()
    };
    let renamed = Document {
        title: "Rust avancé".to_owned(),
        ..fixture_documents().remove(0)
    };
    let changes = Changes {
        upserts: vec![renamed],
        deletes: vec![key("lea-dupont")],
    };
    fixture.index.apply(&changes, &next).unwrap();
    assert_eq!(
        fixture.text("rust"),
        ["rust-montpellier", "management-nimes"]
    );
    assert_eq!(fixture.text("avance"), ["rust-montpellier"]);
    assert!(fixture.text("fondamentaux").is_empty());
    assert_eq!(fixture.index.document_count(), NAMES.len() as u64 - 1);
    assert_eq!(fixture.index.checkpoint(), Some(next));
}

/// The collector keeps each segment's columns between searches; a document updated after a
/// search lives in a new segment, and the order and filters read its new values, not the
/// cached columns of the segment it left.
#[test]
fn an_update_after_a_search_is_sorted_and_filtered_by_its_new_values() {
    let fixture = fixture();
    let before = fixture.find(&sorted(Sort::PriceAscending, offers_only()));
    let cheapest = fixture_documents()
        .into_iter()
        .find(|document| name(document.key.id) == "rust-montpellier")
        .unwrap();
    assert_ne!(before.first(), Some(&"rust-montpellier"));
    let changes = Changes {
        upserts: vec![Document {
            price_cents: Some(1),
            ..cheapest
        }],
        deletes: Vec::new(),
    };
    let next = Checkpoint {
        seq: CHECKPOINT_SEQ + 1,
        ..checkpoint()
    };
    fixture.index.apply(&changes, &next).unwrap();
    let after = fixture.find(&sorted(Sort::PriceAscending, offers_only()));
    assert_eq!(after.first(), Some(&"rust-montpellier"));
    assert_eq!(after.len(), before.len());
    let at_most_one_euro = Filter {
        max_price_cents: Some(100),
        ..offers_only()
    };
    assert_eq!(
        fixture.find(&sorted(Sort::PriceAscending, at_most_one_euro)),
        ["rust-montpellier"]
    );
}

/// Two versions of one record in one batch leave one document, the later version.
#[test]
fn the_later_of_two_versions_in_one_batch_wins() {
    let fixture = fixture();
    let version = |title: &str| Document {
        title: title.to_owned(),
        ..fixture_documents().remove(0)
    };
    let changes = Changes {
        upserts: vec![version("Rust débutant"), version("Rust expert")],
        deletes: Vec::new(),
    };
    fixture.index.apply(&changes, &checkpoint()).unwrap();
    assert_eq!(fixture.index.document_count(), NAMES.len() as u64);
    assert_eq!(fixture.text("expert"), ["rust-montpellier"]);
    assert!(fixture.text("debutant").is_empty());
}

/// Reopening from the same folder finds the index and the checkpoint it was left at, whatever
/// the database identity looks like.
#[test]
fn checkpoint_survives_reopening() {
    let Fixture { index, folder } = fixture();
    assert_eq!(index.checkpoint(), Some(checkpoint()));
    let generation = index.generation_name();
    drop(index);
    let reopened = open(folder.path());
    assert_eq!(reopened.generation_name(), generation);
    assert_eq!(reopened.checkpoint(), Some(checkpoint()));
    assert_eq!(reopened.document_count(), NAMES.len() as u64);

    let odd = Checkpoint {
        seq: -1,
        database: " a database  with spaces ".to_owned(),
    };
    reopened.apply(&Changes::default(), &odd).unwrap();
    drop(reopened);
    assert_eq!(open(folder.path()).checkpoint(), Some(odd));
}

/// A rebuild fills a new generation while searches go on against the old one, then replaces
/// it: the index follows, at the rebuild's checkpoint, and the old generation is removed. A
/// process opening the index meanwhile leaves the rebuild alone.
#[test]
fn a_rebuild_replaces_the_generation_when_finished() {
    let Fixture { index, folder } = fixture();
    let old = index.generation_name();
    let mut rebuild = index.rebuild().unwrap();
    let documents: Vec<Document> = fixture_documents()
        .into_iter()
        .filter(|document| document.key.kind == DocumentKind::TrainingOffer)
        .collect();
    rebuild.add(&documents).unwrap();
    let meanwhile = open(folder.path());
    assert_eq!(meanwhile.generation_name(), old);
    drop(meanwhile);
    assert!(!index.follow_current().unwrap(), "nothing to follow yet");
    assert_eq!(index.document_count(), NAMES.len() as u64);

    let rebuilt = Checkpoint {
        seq: CHECKPOINT_SEQ + 10,
        ..checkpoint()
    };
    assert_eq!(rebuild.finish(&rebuilt).unwrap(), 12);
    assert!(index.follow_current().unwrap());
    assert_ne!(index.generation_name(), old);
    assert_eq!(index.checkpoint(), Some(rebuilt.clone()));
    assert_eq!(index.document_count(), 12);
    assert_eq!(
        index.search(&request("k8s")).unwrap().hits.len(),
        1,
        "the offer alone: the profiles are gone"
    );
    assert!(
        !folder.path().join(&old).exists(),
        "the replaced generation is removed"
    );
    let changes = Changes {
        upserts: Vec::new(),
        deletes: vec![key("kubernetes-paris")],
    };
    index.apply(&changes, &rebuilt).unwrap();
    assert_eq!(
        index.document_count(),
        11,
        "the index writes to the new generation"
    );
}

/// A current generation that cannot be read opens as a new empty index without checkpoint,
/// which tells the caller to rebuild.
#[test]
fn corrupt_generation_opens_empty() {
    let Fixture { index, folder } = fixture();
    let generation = index.generation_name();
    drop(index);
    std::fs::remove_file(folder.path().join(&generation).join("meta.json")).unwrap();
    let reopened = open(folder.path());
    assert_ne!(reopened.generation_name(), generation);
    assert_eq!(reopened.checkpoint(), None);
    assert_eq!(reopened.document_count(), 0);
    assert!(reopened.search(&request("rust")).unwrap().hits.is_empty());
    assert!(
        !folder.path().join(&generation).exists(),
        "the unusable generation is removed"
    );
}

/// A generation written by an earlier version, whose schema differs from this build's (here
/// the document key as text, as it was before it became bytes), opens as a new empty index
/// without checkpoint, so that the node rebuilds it instead of writing keys it cannot match.
#[test]
fn a_generation_with_an_earlier_schema_opens_empty() {
    let Fixture { index, folder } = fixture();
    let generation = index.generation_name();
    drop(index);
    let meta = folder.path().join(&generation).join("meta.json");
    let mut metas: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
    let key = metas["schema"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|field| field["name"] == "key")
        .unwrap();
    assert_eq!(key["type"], "bytes");
    *key = serde_json::json!({
        "name": "key",
        "type": "text",
        "options": {
            "indexing": { "record": "basic", "fieldnorms": false, "tokenizer": "raw" },
            "stored": true,
            "fast": false
        }
    });
    std::fs::write(&meta, serde_json::to_string(&metas).unwrap()).unwrap();

    let reopened = open(folder.path());
    assert_ne!(reopened.generation_name(), generation);
    assert_eq!(reopened.checkpoint(), None);
    assert_eq!(reopened.document_count(), 0);
}

/// An index that has never been written has no checkpoint.
#[test]
fn a_new_index_has_no_checkpoint() {
    let folder = tempfile::tempdir().unwrap();
    let index = open(folder.path());
    assert_eq!(index.checkpoint(), None);
    assert_eq!(index.document_count(), 0);
}
