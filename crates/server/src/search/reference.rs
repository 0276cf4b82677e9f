//! Reference data held in memory: the skills taxonomy and the communes. Both come with the
//! migrations and do not change while the server runs.

use std::collections::HashMap;
use std::sync::Arc;

use passerelle_domain::catalogue::{Place, Skill};
use passerelle_domain::places::{Commune, PlaceDirectory};
use passerelle_domain::{InseeCode, SkillId};
use passerelle_index::{Taxonomy, TaxonomySkill};
use passerelle_store::{Store, StoreError};

#[derive(Debug)]
pub(crate) struct Reference {
    pub skills: HashMap<SkillId, Skill>,
    pub skill_ids: HashMap<String, SkillId>,
    pub taxonomy: Arc<Taxonomy>,
    pub places: HashMap<InseeCode, Place>,
    pub directory: PlaceDirectory,
    /// Department code -> name ("34" -> "Hérault").
    pub departments: HashMap<String, String>,
}

impl Reference {
    pub(crate) async fn load(store: &Store) -> Result<Self, StoreError> {
        let skills = store.all_skills().await?;
        let slugs: HashMap<SkillId, String> = skills
            .iter()
            .map(|skill| (skill.id, skill.slug.as_str().to_owned()))
            .collect();
        let taxonomy = Taxonomy::new(
            skills
                .iter()
                .map(|skill| TaxonomySkill {
                    slug: skill.slug.as_str().to_owned(),
                    broader: skill.broader_id.and_then(|id| slugs.get(&id).cloned()),
                    label_fr: skill.label_fr.clone(),
                    label_en: skill.label_en.clone(),
                    alt_labels: skill
                        .alt_labels_fr
                        .iter()
                        .chain(&skill.alt_labels_en)
                        .cloned()
                        .collect(),
                })
                .collect(),
        );
        let places = store.all_places().await?;
        let departments = places
            .iter()
            .map(|(place, _)| (place.department_code.clone(), place.department_name.clone()))
            .collect();
        let directory = PlaceDirectory::new(
            places
                .iter()
                .map(|(place, population)| Commune {
                    insee_code: place.insee_code.clone(),
                    name: place.name.clone(),
                    postcodes: place.postcodes.clone(),
                    department_code: place.department_code.clone(),
                    population: *population,
                })
                .collect(),
        );
        Ok(Self {
            skill_ids: skills
                .iter()
                .map(|skill| (skill.slug.as_str().to_owned(), skill.id))
                .collect(),
            skills: skills.into_iter().map(|skill| (skill.id, skill)).collect(),
            taxonomy: Arc::new(taxonomy),
            places: places
                .into_iter()
                .map(|(place, _)| (place.insee_code.clone(), place))
                .collect(),
            directory,
            departments,
        })
    }

    pub(crate) fn slug(&self, skill: SkillId) -> Option<&str> {
        self.skills.get(&skill).map(|skill| skill.slug.as_str())
    }
}
