//! A deterministic corpus: from a seed, training offers, skill profiles and organisations in
//! French and English, written with a Zipf-distributed vocabulary around skills of the real
//! taxonomy and placed in real communes. Each document keeps its hidden intent (skills with
//! levels, place, price) from which the relevance judgements follow.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use passerelle_domain::catalogue::{Place, Skill};
use passerelle_domain::{Locale, Modality, SkillLevel, Slug};
use passerelle_store::import::{
    ImportBatch, ImportedOffer, ImportedOrganisation, ImportedProfile, ImportedSession,
};
use uuid::Uuid;

/// SplitMix64: small, fast, the same everywhere; a corpus is a function of its seed.
#[derive(Debug, Clone)]
pub struct Dice {
    state: u64,
    /// Identifiers handed out so far: the clock of the next one.
    minted: u64,
}

/// 2026-01-01T00:00:00Z in milliseconds: the made-up clock of the corpus's identifiers.
const CORPUS_EPOCH_MILLIS: u64 = 1_767_225_600_000;

impl Dice {
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed,
            minted: 0,
        }
    }

    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n.max(1) as u64)).unwrap_or(0)
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A uniform number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        // 53 random bits: exact in an f64.
        #[allow(clippy::cast_precision_loss)]
        let bits = (self.next() >> 11) as f64;
        bits / (1u64 << 53) as f64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A UUIDv7, as the product gives every record it creates: identifiers sort by creation,
    /// one millisecond apart, with random low bits. (Random v4 keys would make every insert
    /// land on a random page of each key's B-tree, which no catalogue built through the
    /// product has.)
    fn uuid(&mut self) -> Uuid {
        let mut random = [0u8; 16];
        random[..8].copy_from_slice(&self.next().to_be_bytes());
        random[8..].copy_from_slice(&self.next().to_be_bytes());
        let mut low = [0u8; 10];
        low.copy_from_slice(&random[..10]);
        self.minted += 1;
        uuid::Builder::from_unix_timestamp_millis(CORPUS_EPOCH_MILLIS + self.minted, &low)
            .into_uuid()
    }
}

/// Ranks drawn with probability proportional to 1 / (rank + 1)^s.
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(size: usize, exponent: f64) -> Self {
        let mut total = 0.0;
        let cumulative = (0..size)
            .map(|rank| {
                #[allow(clippy::cast_precision_loss)]
                let weight = 1.0 / ((rank + 1) as f64).powf(exponent);
                total += weight;
                total
            })
            .collect::<Vec<_>>();
        Self {
            cumulative: cumulative.into_iter().map(|sum| sum / total).collect(),
        }
    }

    pub fn sample(&self, dice: &mut Dice) -> usize {
        let target = dice.unit();
        self.cumulative
            .partition_point(|sum| *sum < target)
            .min(self.cumulative.len() - 1)
    }
}

const FRENCH_WORDS: &[&str] = &[
    "formation",
    "pratique",
    "projet",
    "équipe",
    "données",
    "sécurité",
    "réseau",
    "outils",
    "méthodes",
    "atelier",
    "module",
    "apprendre",
    "maîtriser",
    "concevoir",
    "déployer",
    "entreprise",
    "application",
    "service",
    "production",
    "qualité",
    "performance",
    "client",
    "architecture",
    "développement",
    "exercices",
    "cas",
    "réels",
    "jour",
    "semaine",
    "groupe",
    "accompagnement",
    "certification",
    "compétences",
    "métier",
    "industrie",
    "collectivité",
    "mission",
    "conseil",
    "audit",
    "analyse",
    "gestion",
    "pilotage",
    "automatisation",
    "infrastructure",
    "plateforme",
    "logiciel",
    "système",
    "code",
    "tests",
    "bonnes",
    "approche",
    "parcours",
    "stagiaires",
    "formateur",
    "expérience",
    "terrain",
    "région",
    "occitanie",
    "toulouse",
    "montpellier",
    "nîmes",
    "perpignan",
    "intervenant",
    "évaluation",
    "objectifs",
    "programme",
    "contenu",
    "session",
    "présentiel",
    "distance",
    "rythme",
    "fondamentaux",
    "avancé",
    "débutants",
    "confirmés",
    "experts",
    "mise",
    "œuvre",
    "étude",
    "travaux",
    "pratiques",
    "supervision",
    "migration",
    "intégration",
    "maintenance",
    "support",
    "utilisateurs",
    "interface",
    "modélisation",
    "optimisation",
    "sauvegarde",
    "surveillance",
    "conformité",
    "réglementation",
    "innovation",
    "transformation",
    "numérique",
    "agilité",
];

const ENGLISH_WORDS: &[&str] = &[
    "training",
    "hands-on",
    "project",
    "team",
    "data",
    "security",
    "network",
    "tools",
    "methods",
    "workshop",
    "module",
    "learn",
    "master",
    "design",
    "deploy",
    "company",
    "application",
    "service",
    "production",
    "quality",
    "performance",
    "customer",
    "architecture",
    "development",
    "exercises",
    "real",
    "cases",
    "day",
    "week",
    "group",
    "coaching",
    "certification",
    "skills",
    "industry",
    "consulting",
    "audit",
    "analysis",
    "management",
    "automation",
    "infrastructure",
    "platform",
    "software",
    "system",
    "code",
    "testing",
    "practices",
    "approach",
    "path",
    "trainees",
    "trainer",
    "experience",
    "field",
    "region",
    "speaker",
    "assessment",
    "goals",
    "programme",
    "content",
    "session",
    "remote",
    "pace",
    "fundamentals",
    "advanced",
    "beginners",
    "experienced",
    "experts",
    "study",
    "labs",
    "monitoring",
    "migration",
    "integration",
    "maintenance",
    "support",
    "users",
    "interface",
    "modelling",
    "optimisation",
    "backup",
    "compliance",
    "innovation",
    "digital",
    "agile",
];

const SYLLABLES: &[&str] = &[
    "ra", "lo", "mi", "ta", "ver", "sion", "que", "tre", "ment", "pla", "cor", "di", "ne", "bu",
    "ges", "fla", "mon", "tar", "vel", "ri", "sa", "pé", "gé", "con", "duc", "per", "for", "ba",
    "lu", "no", "ci", "té", "vo", "ran", "bel", "tin", "gro", "pri", "dal", "mer", "sol", "quin",
];

const FIRST_NAMES: &[&str] = &[
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Lucie", "Julie", "Emma", "Clara", "Hugo",
    "Lucas", "Louis", "Nathan", "Thomas", "Théo", "Paul", "Jules", "Karim", "Yanis", "Mehdi",
    "Antoine", "Julien", "Nicolas", "Sophie", "Amina", "Fatou", "Marc", "Élodie", "Rémi",
];

const LAST_NAMES: &[&str] = &[
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "Andre", "Mercier", "Dupont", "Lambert", "Bonnet",
    "Fabre", "Castel", "Roca",
];

/// What a document is about, kept aside to judge the answers.
#[derive(Debug, Clone)]
pub struct Intent {
    pub id: Uuid,
    /// Skill slugs, the main one first.
    pub skills: Vec<String>,
    pub department: Option<String>,
    pub price_cents: Option<i64>,
}

/// A document's text, for the full-text baselines and the raw index.
#[derive(Debug, Clone)]
pub struct Text {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub department: Option<String>,
    pub price_cents: Option<i64>,
}

/// The generated corpus, as batches for the product's import and as plain text.
#[derive(Debug, Default)]
pub struct Corpus {
    pub batches: Vec<ImportBatch>,
    pub intents: Vec<Intent>,
    pub texts: Vec<Text>,
    /// Skills by popularity, most used first (the query set follows the same ranks).
    pub skills_by_rank: Vec<String>,
}

/// The vocabulary: real French and English words, then made-up ones, ranked by frequency.
fn vocabulary(dice: &mut Dice, size: usize) -> Vec<String> {
    let mut words: Vec<String> = FRENCH_WORDS
        .iter()
        .zip(ENGLISH_WORDS.iter().chain(std::iter::repeat(&"")))
        .flat_map(|(french, english)| [(*french).to_owned(), (*english).to_owned()])
        .filter(|word| !word.is_empty())
        .collect();
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    while words.len() < size {
        let syllables = 2 + dice.below(3);
        let word: String = (0..syllables).map(|_| *dice.pick(SYLLABLES)).collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    // Real words are frequent, made-up ones fill the long tail; interleave a little.
    for index in (1..words.len()).rev() {
        if dice.chance(10) {
            let other = index.saturating_sub(dice.below(50));
            words.swap(index, other);
        }
    }
    words
}

struct Writer<'a> {
    dice: Dice,
    words: Vec<String>,
    zipf_words: Zipf,
    skills: &'a [Skill],
    skills_by_rank: Vec<usize>,
    zipf_skills: Zipf,
    places: Vec<&'a Place>,
    zipf_places: Zipf,
    today: NaiveDate,
}

impl Writer<'_> {
    fn filler(&mut self, count: usize) -> Vec<String> {
        (0..count)
            .map(|_| self.words[self.zipf_words.sample(&mut self.dice)].clone())
            .collect()
    }

    fn skill(&mut self) -> usize {
        self.skills_by_rank[self.zipf_skills.sample(&mut self.dice)]
    }

    /// A skill's name as a writer would put it: its label, sometimes a synonym.
    fn name_of(&mut self, skill: usize, language: Locale) -> String {
        let skill = &self.skills[skill];
        let (label, synonyms) = match language {
            Locale::Fr => (&skill.label_fr, &skill.alt_labels_fr),
            Locale::En => (&skill.label_en, &skill.alt_labels_en),
        };
        if !synonyms.is_empty() && self.dice.chance(25) {
            self.dice.pick(synonyms).clone()
        } else {
            label.clone()
        }
    }

    /// A sentence of `base` to `base + spread` words mentioning each of `mentions`.
    fn paragraph(&mut self, mentions: &[String], base: usize, spread: usize) -> String {
        let words = base + self.dice.below(spread);
        let mut text = self.filler(words);
        for mention in mentions {
            let at = self.dice.below(text.len() + 1);
            text.insert(at, mention.clone());
        }
        let mut sentence = text.join(" ");
        sentence.push('.');
        let mut characters = sentence.chars();
        characters.next().map_or_else(String::new, |first| {
            first.to_uppercase().chain(characters).collect()
        })
    }

    fn place(&mut self) -> &Place {
        self.places[self.zipf_places.sample(&mut self.dice)]
    }

    /// The slugs of `chosen`, each once, in the order first chosen (the first is the main
    /// skill).
    fn slugs(&self, chosen: &[usize]) -> Vec<String> {
        let mut slugs: Vec<String> = Vec::with_capacity(chosen.len());
        for skill in chosen {
            let slug = self.skills[*skill].slug.as_str();
            if !slugs.iter().any(|taken| taken == slug) {
                slugs.push(slug.to_owned());
            }
        }
        slugs
    }

    /// Each slug with a level: `main_level` for the first, drawn for the others.
    fn leveled(
        &mut self,
        slugs: &[String],
        main_level: Option<SkillLevel>,
    ) -> Vec<(String, SkillLevel)> {
        slugs
            .iter()
            .enumerate()
            .map(|(position, slug)| {
                let level = match (position, main_level) {
                    (0, Some(level)) => level,
                    _ => self.level(),
                };
                (slug.clone(), level)
            })
            .collect()
    }

    fn level(&mut self) -> SkillLevel {
        SkillLevel::new(1 + i64::try_from(self.dice.below(5)).unwrap_or(0))
            .unwrap_or(SkillLevel::MIN)
    }
}

/// Documents of each kind out of `size`: 80 % offers, 15 % profiles, 5 % organisations.
pub fn split(size: usize) -> (usize, usize, usize) {
    let organisations = (size / 20).max(1);
    let profiles = size * 15 / 100;
    (size - organisations - profiles, profiles, organisations)
}

/// Generates `size` documents from `seed`, in import batches of `batch` documents at most.
pub fn generate(
    seed: u64,
    size: usize,
    batch: usize,
    skills: &[Skill],
    places: &[(Place, u32)],
    today: NaiveDate,
) -> Corpus {
    let mut dice = Dice::new(seed);
    let words = vocabulary(&mut dice, 6_000);
    let mut skills_by_rank: Vec<usize> = (0..skills.len()).collect();
    for index in (1..skills_by_rank.len()).rev() {
        let other = dice.below(index + 1);
        skills_by_rank.swap(index, other);
    }
    let mut by_population: Vec<&(Place, u32)> = places.iter().collect();
    by_population.sort_by_key(|place| std::cmp::Reverse(place.1));
    let mut writer = Writer {
        dice,
        zipf_words: Zipf::new(words.len(), 1.05),
        words,
        skills,
        zipf_skills: Zipf::new(skills_by_rank.len(), 0.9),
        skills_by_rank,
        zipf_places: Zipf::new(by_population.len().min(800), 1.0),
        places: by_population
            .iter()
            .take(800)
            .map(|(place, _)| place)
            .collect(),
        today,
    };
    let (offers, profiles, organisations) = split(size);
    let mut corpus = Corpus {
        skills_by_rank: writer
            .skills_by_rank
            .iter()
            .map(|index| skills[*index].slug.as_str().to_owned())
            .collect(),
        ..Corpus::default()
    };
    let published: DateTime<Utc> = Utc::now();
    let mut current = ImportBatch::default();
    let mut in_batch = 0;
    let flush =
        |current: &mut ImportBatch, in_batch: &mut usize, corpus: &mut Corpus, force: bool| {
            if *in_batch > 0 && (force || *in_batch >= batch) {
                corpus.batches.push(std::mem::take(current));
                *in_batch = 0;
            }
        };

    // Organisations first: offers need their providers in an earlier or the same batch.
    let mut providers = Vec::new();
    for number in 0..organisations {
        let id = writer.dice.uuid();
        let language = Locale::Fr;
        let main: Vec<usize> = (0..2 + writer.dice.below(3))
            .map(|_| writer.skill())
            .collect();
        let stem = writer.filler(1).join("");
        let suffix = *writer.dice.pick(&[
            "Formation",
            "Conseil",
            "Numérique",
            "Labs",
            "Academy",
            "Solutions",
        ]);
        let name = format!(
            "{}{} {suffix}",
            stem.chars()
                .next()
                .map(|c| c.to_uppercase().to_string())
                .unwrap_or_default(),
            stem.chars().skip(1).collect::<String>()
        );
        let mentions: Vec<String> = main
            .iter()
            .map(|skill| writer.name_of(*skill, language))
            .collect();
        let description = writer.paragraph(&mentions, 30, 30);
        let place = writer.place().clone();
        let training_provider = number % 10 < 7;
        if training_provider {
            providers.push(id);
        }
        let slugs = writer.slugs(&main);
        corpus.intents.push(Intent {
            id,
            skills: slugs.clone(),
            department: Some(place.department_code.clone()),
            price_cents: None,
        });
        corpus.texts.push(Text {
            id,
            title: name.clone(),
            body: description.clone(),
            department: Some(place.department_code.clone()),
            price_cents: None,
        });
        current.organisations.push(ImportedOrganisation {
            id,
            slug: Slug::from_title(&name, "organisme")
                .with_suffix(u32::try_from(number + 1).unwrap_or(u32::MAX)),
            name,
            siret: None,
            description: Some(description),
            commune: Some(place.insee_code.clone()),
            training_provider,
            qualiopi_certified: writer.dice.chance(50),
            skills: slugs,
        });
        in_batch += 1;
        flush(&mut current, &mut in_batch, &mut corpus, false);
    }
    flush(&mut current, &mut in_batch, &mut corpus, true);

    for number in 0..offers {
        let id = writer.dice.uuid();
        let language = if writer.dice.chance(80) {
            Locale::Fr
        } else {
            Locale::En
        };
        let main = writer.skill();
        let mut others: Vec<usize> = (0..writer.dice.below(3))
            .map(|_| writer.skill())
            .filter(|skill| *skill != main)
            .collect();
        others.dedup();
        let level = writer.level();
        let name = writer.name_of(main, language);
        let level_word = match (language, level.get()) {
            (Locale::Fr, 1..=2) => "initiation",
            (Locale::Fr, 3) => "perfectionnement",
            (Locale::Fr, _) => "expertise",
            (Locale::En, 1..=2) => "introduction",
            (Locale::En, 3) => "intermediate",
            (Locale::En, _) => "advanced",
        };
        let title = match (language, writer.dice.below(4)) {
            (Locale::Fr, 0) => format!("{name} : {level_word}"),
            (Locale::Fr, 1) => format!("Formation {name} {level_word}"),
            (Locale::Fr, 2) => format!("Maîtriser {name} en pratique"),
            (Locale::Fr, _) => format!("{name} pour les équipes {}", writer.filler(1).join("")),
            (Locale::En, 0) => format!("{name}: {level_word}"),
            (Locale::En, 1) => format!("{name} {level_word} course"),
            (Locale::En, 2) => format!("Mastering {name} hands-on"),
            (Locale::En, _) => format!("{name} for {} teams", writer.filler(1).join("")),
        };
        let mut mentions = vec![name.clone(), writer.name_of(main, language)];
        mentions.extend(others.iter().map(|skill| skills[*skill].label_fr.clone()));
        let summary = writer.paragraph(std::slice::from_ref(&name), 10, 8);
        let description = writer.paragraph(&mentions, 60, 90);
        let modality = match writer.dice.below(20) {
            0..=11 => Modality::InPerson,
            12..=16 => Modality::Blended,
            _ => Modality::Remote,
        };
        let price_cents = (!writer.dice.chance(10))
            .then(|| i64::try_from(300 + writer.dice.below(4700)).unwrap_or(1000) / 10 * 1000);
        let place = writer.place().clone();
        let sessions = if modality == Modality::Remote && writer.dice.chance(50) {
            Vec::new()
        } else {
            (0..1 + writer.dice.below(2))
                .map(|_| {
                    let start = writer
                        .today
                        .checked_add_days(Days::new(7 + writer.dice.below(300) as u64))
                        .unwrap_or(writer.today);
                    ImportedSession {
                        id: writer.dice.uuid(),
                        start,
                        end: start.checked_add_days(Days::new(2)).unwrap_or(start),
                        commune: (modality != Modality::Remote).then(|| place.insee_code.clone()),
                        seats: Some(12),
                    }
                })
                .collect()
        };
        let department = (modality != Modality::Remote).then(|| place.department_code.clone());
        let chosen: Vec<usize> = std::iter::once(main)
            .chain(others.iter().copied())
            .collect();
        let slugs = writer.slugs(&chosen);
        let taught = writer.leveled(&slugs, Some(level));
        corpus.intents.push(Intent {
            id,
            skills: slugs,
            department: department.clone(),
            price_cents,
        });
        corpus.texts.push(Text {
            id,
            title: title.clone(),
            body: format!("{summary} {description}"),
            department,
            price_cents,
        });
        current.offers.push(ImportedOffer {
            id,
            slug: Slug::from_title(&title, "formation")
                .with_suffix(u32::try_from(number + 1).unwrap_or(u32::MAX)),
            provider: *writer.dice.pick(&providers),
            title,
            summary,
            description,
            skills: taught,
            modality,
            duration_hours: i32::try_from(7 + writer.dice.below(60)).unwrap_or(14),
            price_cents,
            cpf_eligible: writer.dice.chance(40),
            language,
            sessions,
            published_at: published,
        });
        in_batch += 1;
        flush(&mut current, &mut in_batch, &mut corpus, false);
    }

    for number in 0..profiles {
        let id = writer.dice.uuid();
        let language = if writer.dice.chance(85) {
            Locale::Fr
        } else {
            Locale::En
        };
        let main = writer.skill();
        let mut others: Vec<usize> = (0..1 + writer.dice.below(3))
            .map(|_| writer.skill())
            .filter(|skill| *skill != main)
            .collect();
        others.dedup();
        let name = writer.name_of(main, language);
        let role = *writer.dice.pick(match language {
            Locale::Fr => &[
                "développeuse",
                "consultant",
                "formatrice",
                "ingénieur",
                "architecte",
                "experte",
            ][..],
            Locale::En => &[
                "developer",
                "consultant",
                "trainer",
                "engineer",
                "architect",
                "expert",
            ][..],
        });
        let display_name = format!(
            "{} {}",
            writer.dice.pick(FIRST_NAMES),
            writer.dice.pick(LAST_NAMES)
        );
        let headline = format!("{role} {name}");
        let mentions: Vec<String> = others
            .iter()
            .map(|skill| skills[*skill].label_fr.clone())
            .chain([name])
            .collect();
        let summary = writer.paragraph(&mentions, 25, 40);
        let place = writer.place().clone();
        let chosen: Vec<usize> = std::iter::once(main)
            .chain(others.iter().copied())
            .collect();
        let slugs = writer.slugs(&chosen);
        let held = writer.leveled(&slugs, None);
        let daily = i64::try_from(300 + writer.dice.below(600)).unwrap_or(500) / 10 * 1000;
        corpus.intents.push(Intent {
            id,
            skills: slugs,
            department: Some(place.department_code.clone()),
            price_cents: Some(daily),
        });
        corpus.texts.push(Text {
            id,
            title: headline.clone(),
            body: summary.clone(),
            department: Some(place.department_code.clone()),
            price_cents: Some(daily),
        });
        current.profiles.push(ImportedProfile {
            id,
            user_id: writer.dice.uuid(),
            email: format!("profil-{number}@bench.passerelle.invalid"),
            display_name,
            headline,
            summary: Some(summary),
            commune: Some(place.insee_code.clone()),
            remote: writer.dice.chance(40),
            available_from: writer.dice.chance(50).then(|| {
                writer
                    .today
                    .checked_add_days(Days::new(writer.dice.below(120) as u64))
                    .unwrap_or(writer.today)
            }),
            daily_rate_cents: Some(daily),
            skills: held,
            language,
        });
        in_batch += 1;
        flush(&mut current, &mut in_batch, &mut corpus, false);
    }
    flush(&mut current, &mut in_batch, &mut corpus, true);
    corpus
}

/// Department codes by the number of documents placed in them, most first.
pub fn departments_by_use(intents: &[Intent]) -> Vec<String> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for intent in intents {
        if let Some(department) = &intent.department {
            *counts.entry(department).or_default() += 1;
        }
    }
    let mut ranked: Vec<(&str, usize)> = counts.into_iter().collect();
    ranked.sort_by(|left, right| right.1.cmp(&left.1).then(left.0.cmp(right.0)));
    ranked
        .into_iter()
        .map(|(code, _)| code.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zipf_ranks_fall_off_with_their_rank() {
        let zipf = Zipf::new(1000, 1.0);
        let mut dice = Dice::new(1);
        let mut counts = vec![0usize; 1000];
        for _ in 0..100_000 {
            counts[zipf.sample(&mut dice)] += 1;
        }
        assert!(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99]);
        // Rank 1 is drawn about 10 times as often as rank 10.
        let ratio = counts[0] as f64 / counts[9] as f64;
        assert!((7.0..14.0).contains(&ratio), "{ratio}");
    }

    #[test]
    fn the_split_adds_up() {
        for size in [10, 10_000, 1_000_000] {
            let (offers, profiles, organisations) = split(size);
            assert_eq!(offers + profiles + organisations, size);
        }
    }
}
