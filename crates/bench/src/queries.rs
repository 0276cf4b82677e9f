//! The query set, drawn from the same seed as the corpus, and the relevance judgements that
//! follow from the documents' intents.

use std::collections::{HashMap, HashSet};

use passerelle_domain::catalogue::Skill;

use crate::corpus::{Dice, Intent};

/// What a query tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryKind {
    /// A skill among the ten most used.
    Frequent,
    /// A skill of rank 10 to 50.
    Medium,
    /// A skill past rank 50.
    Rare,
    /// Two skills.
    MultiWord,
    /// The first letters of a skill's label, as typed.
    Prefix,
    /// A skill's label with one letter wrong.
    Typo,
    /// A frequent or medium skill with a department and a price cap.
    Filtered,
}

#[derive(Debug, Clone)]
pub struct Query {
    pub kind: QueryKind,
    pub text: String,
    /// The skills the person wants (what judges the answers).
    pub skills: Vec<String>,
    pub department: Option<String>,
    pub max_price_cents: Option<i64>,
}

/// How good a document is for a query: 2 per wanted skill it is mainly about, 1 per wanted
/// skill it also covers, at most 3; 0 when it fails the query's filters.
pub fn grade(query: &Query, intent: &Intent, narrower: &HashMap<String, HashSet<String>>) -> u8 {
    if query.department.is_some() && intent.department != query.department {
        return 0;
    }
    if let Some(cap) = query.max_price_cents
        && intent.price_cents.is_none_or(|price| price > cap)
    {
        return 0;
    }
    let covers = |wanted: &str, held: &str| {
        wanted == held
            || narrower
                .get(wanted)
                .is_some_and(|below| below.contains(held))
    };
    let mut total = 0u8;
    for wanted in &query.skills {
        if intent
            .skills
            .first()
            .is_some_and(|main| covers(wanted, main))
        {
            total += 2;
        } else if intent
            .skills
            .iter()
            .skip(1)
            .any(|other| covers(wanted, other))
        {
            total += 1;
        }
    }
    total.min(3)
}

/// Every skill's narrower skills, transitively, by slug.
pub fn narrower_skills(skills: &[Skill]) -> HashMap<String, HashSet<String>> {
    let by_id: HashMap<_, _> = skills.iter().map(|skill| (skill.id, skill)).collect();
    let mut below: HashMap<String, HashSet<String>> = HashMap::new();
    for skill in skills {
        let mut parent = skill.broader_id;
        while let Some(id) = parent {
            let Some(broader) = by_id.get(&id) else { break };
            below
                .entry(broader.slug.as_str().to_owned())
                .or_default()
                .insert(skill.slug.as_str().to_owned());
            parent = broader.broader_id;
        }
    }
    below
}

fn label_of<'a>(skills: &'a [Skill], slug: &'a str) -> &'a str {
    skills
        .iter()
        .find(|skill| skill.slug.as_str() == slug)
        .map_or(slug, |skill| skill.label_fr.as_str())
}

/// One letter replaced by its neighbour in the alphabet, in the middle of the longest word.
fn misspell(text: &str) -> Option<String> {
    let longest = text
        .split_whitespace()
        .max_by_key(|word| word.chars().count())?;
    let letters: Vec<char> = longest.chars().collect();
    if letters.len() < 6 {
        return None;
    }
    let at = letters.len() / 2;
    let mut changed = letters.clone();
    changed[at] = if letters[at] == 'z' {
        'y'
    } else {
        char::from_u32(letters[at] as u32 + 1)?
    };
    if !changed[at].is_ascii_lowercase() {
        return None;
    }
    Some(text.replacen(longest, &changed.iter().collect::<String>(), 1))
}

/// `count` queries from `seed`, in fixed proportions of each kind.
pub fn generate(
    seed: u64,
    count: usize,
    skills: &[Skill],
    skills_by_rank: &[String],
    departments: &[String],
) -> Vec<Query> {
    let mut dice = Dice::new(seed ^ 0x5EED_0F0E_41E5);
    let plan = [
        (QueryKind::Frequent, 25),
        (QueryKind::Medium, 20),
        (QueryKind::Rare, 15),
        (QueryKind::MultiWord, 10),
        (QueryKind::Prefix, 10),
        (QueryKind::Typo, 10),
        (QueryKind::Filtered, 10),
    ];
    let ranked = |dice: &mut Dice, from: usize, to: usize| -> String {
        let to = to.min(skills_by_rank.len());
        let from = from.min(to.saturating_sub(1));
        skills_by_rank[from + dice.below(to - from)].clone()
    };
    let mut queries = Vec::new();
    for (kind, share) in plan {
        let wanted = (count * share).div_ceil(100);
        let mut made = 0;
        let mut attempts = 0;
        while made < wanted && attempts < wanted * 20 {
            attempts += 1;
            let skill = match kind {
                QueryKind::Frequent => ranked(&mut dice, 0, 10),
                QueryKind::Rare => ranked(&mut dice, 50, skills_by_rank.len()),
                _ => ranked(&mut dice, 10, 50),
            };
            let label = label_of(skills, &skill).to_lowercase();
            let query = match kind {
                QueryKind::Frequent | QueryKind::Medium | QueryKind::Rare => Query {
                    kind,
                    text: label,
                    skills: vec![skill],
                    department: None,
                    max_price_cents: None,
                },
                QueryKind::MultiWord => {
                    let other = ranked(&mut dice, 0, 30);
                    if other == skill {
                        continue;
                    }
                    Query {
                        kind,
                        text: format!("{label} {}", label_of(skills, &other).to_lowercase()),
                        skills: vec![skill, other],
                        department: None,
                        max_price_cents: None,
                    }
                }
                QueryKind::Prefix => {
                    let letters: String = label.chars().take(5).collect();
                    if letters.chars().count() < 4 || letters == label {
                        continue;
                    }
                    Query {
                        kind,
                        text: letters,
                        skills: vec![skill],
                        department: None,
                        max_price_cents: None,
                    }
                }
                QueryKind::Typo => {
                    let Some(text) = misspell(&label) else {
                        continue;
                    };
                    Query {
                        kind,
                        text,
                        skills: vec![skill],
                        department: None,
                        max_price_cents: None,
                    }
                }
                QueryKind::Filtered => Query {
                    kind,
                    text: label,
                    skills: vec![skill],
                    department: departments
                        .get(dice.below(departments.len().min(5)))
                        .cloned(),
                    max_price_cents: dice.chance(50).then_some(250_000),
                },
            };
            queries.push(query);
            made += 1;
        }
    }
    queries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelling_changes_one_letter_of_the_longest_word() {
        assert_eq!(misspell("kubernetes").as_deref(), Some("kuberoetes"));
        assert_eq!(misspell("go"), None);
    }

    #[test]
    fn grades_follow_the_intent_and_the_filters() {
        let intent = Intent {
            id: uuid::Uuid::nil(),
            skills: vec!["rust".into(), "docker".into()],
            department: Some("34".into()),
            price_cents: Some(100_000),
        };
        let narrower = HashMap::from([(
            "programmation".to_owned(),
            HashSet::from(["rust".to_owned()]),
        )]);
        let query = |skills: &[&str], department: Option<&str>| Query {
            kind: QueryKind::Frequent,
            text: String::new(),
            skills: skills.iter().map(|skill| (*skill).to_owned()).collect(),
            department: department.map(str::to_owned),
            max_price_cents: None,
        };
        assert_eq!(grade(&query(&["rust"], None), &intent, &narrower), 2);
        assert_eq!(grade(&query(&["docker"], None), &intent, &narrower), 1);
        assert_eq!(
            grade(&query(&["rust", "docker"], None), &intent, &narrower),
            3
        );
        assert_eq!(
            grade(&query(&["programmation"], None), &intent, &narrower),
            2
        );
        assert_eq!(grade(&query(&["rust"], Some("31")), &intent, &narrower), 0);
        assert_eq!(grade(&query(&["python"], None), &intent, &narrower), 0);
    }
}
