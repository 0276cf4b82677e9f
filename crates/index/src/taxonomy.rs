//! The skills taxonomy as search sees it: labels and synonyms to recognise in a query, and
//! the narrower skills a broader one stands for.

use std::collections::{BTreeSet, HashMap};

use crate::analysis::Analysers;

/// One skill of the taxonomy, as the index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxonomySkill {
    pub slug: String,
    pub broader: Option<String>,
    pub label_fr: String,
    pub label_en: String,
    /// Synonyms and abbreviations ("JS", "k8s"), in both languages.
    pub alt_labels: Vec<String>,
}

/// The most words a skill label may span to be recognised in a query.
const LONGEST_LABEL: usize = 4;

#[derive(Debug, Default)]
pub struct Taxonomy {
    skills: Vec<TaxonomySkill>,
    by_slug: HashMap<String, usize>,
    /// Each skill and all the skills under it, itself first.
    narrower: HashMap<String, Vec<String>>,
    /// Folded label words -> the skills with that label or synonym.
    labels: HashMap<Vec<String>, BTreeSet<String>>,
}

impl Taxonomy {
    pub fn new(skills: Vec<TaxonomySkill>) -> Self {
        let mut analysers = Analysers::new();
        let by_slug: HashMap<String, usize> = skills
            .iter()
            .enumerate()
            .map(|(index, skill)| (skill.slug.clone(), index))
            .collect();
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for skill in &skills {
            if let Some(broader) = &skill.broader {
                children.entry(broader).or_default().push(&skill.slug);
            }
        }
        let mut narrower = HashMap::new();
        for skill in &skills {
            // Breadth first; the seen set guards against a cycle in bad reference data.
            let mut all = vec![skill.slug.clone()];
            let mut next = 0;
            while next < all.len() {
                for child in children.get(all[next].as_str()).into_iter().flatten() {
                    if !all.iter().any(|seen| seen == child) {
                        all.push((*child).to_owned());
                    }
                }
                next += 1;
            }
            narrower.insert(skill.slug.clone(), all);
        }
        let mut labels: HashMap<Vec<String>, BTreeSet<String>> = HashMap::new();
        for skill in &skills {
            let names = [&skill.label_fr, &skill.label_en]
                .into_iter()
                .chain(skill.alt_labels.iter());
            for name in names {
                let words: Vec<String> = analysers
                    .meaningful_words(name)
                    .into_iter()
                    .map(|word| word.folded)
                    .collect();
                if !words.is_empty() && words.len() <= LONGEST_LABEL {
                    labels.entry(words).or_default().insert(skill.slug.clone());
                }
            }
        }
        Self {
            skills,
            by_slug,
            narrower,
            labels,
        }
    }

    pub fn skill(&self, slug: &str) -> Option<&TaxonomySkill> {
        self.by_slug.get(slug).map(|index| &self.skills[*index])
    }

    pub fn skills(&self) -> &[TaxonomySkill] {
        &self.skills
    }

    /// The skill and every skill under it ("programmation" stands for "rust", "python"…).
    pub fn with_narrower(&self, slug: &str) -> &[String] {
        self.narrower.get(slug).map_or(&[], Vec::as_slice)
    }

    /// The skills whose label or synonym is exactly these folded words.
    pub(crate) fn named(&self, words: &[String]) -> Option<&BTreeSet<String>> {
        self.labels.get(words)
    }

    pub(crate) fn longest_label() -> usize {
        LONGEST_LABEL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn skill(
        slug: &str,
        broader: Option<&str>,
        fr: &str,
        alt: &[&str],
    ) -> TaxonomySkill {
        TaxonomySkill {
            slug: slug.to_owned(),
            broader: broader.map(str::to_owned),
            label_fr: fr.to_owned(),
            label_en: fr.to_owned(),
            alt_labels: alt.iter().map(|label| (*label).to_owned()).collect(),
        }
    }

    #[test]
    fn a_broader_skill_stands_for_all_levels_below_it() {
        let taxonomy = Taxonomy::new(vec![
            skill("developpement", None, "Développement", &[]),
            skill("programmation", Some("developpement"), "Programmation", &[]),
            skill("rust", Some("programmation"), "Rust", &[]),
        ]);
        assert_eq!(
            taxonomy.with_narrower("developpement"),
            ["developpement", "programmation", "rust"]
        );
        assert_eq!(taxonomy.with_narrower("rust"), ["rust"]);
    }

    #[test]
    fn synonyms_are_recognised_folded() {
        let taxonomy = Taxonomy::new(vec![skill(
            "cybersecurite",
            None,
            "Cybersécurité",
            &["Sécurité informatique"],
        )]);
        let words = vec!["securite".to_owned(), "informatique".to_owned()];
        assert!(
            taxonomy
                .named(&words)
                .is_some_and(|slugs| slugs.contains("cybersecurite"))
        );
    }

    #[test]
    fn labels_are_recognised_without_their_stop_words_as_queries_drop_them() {
        let taxonomy = Taxonomy::new(vec![skill(
            "gestion-de-projet",
            None,
            "Gestion de projet",
            &["conduite de projet"],
        )]);
        for words in [["gestion", "projet"], ["conduite", "projet"]] {
            let words: Vec<String> = words.iter().map(|word| (*word).to_owned()).collect();
            assert!(taxonomy.named(&words).is_some(), "{words:?}");
        }
    }
}
