//! Reference data shipped with Passerelle: the French communes and the digital skills taxonomy.
//!
//! Both files live in `migrations/data/` and are compiled into the binary, so a server needs
//! nothing beside itself to start.

use passerelle_domain::{InseeCode, Slug, fold_for_search};
use serde::Deserialize;

/// INSEE communes with postcodes and coordinates (sources credited in the README).
pub const COMMUNES_CSV: &str = include_str!("../data/communes-fr.csv");
/// The skills taxonomy: families first, then their narrower skills.
pub const SKILLS_JSON: &str = include_str!("../data/skills.json");

#[derive(Debug, Clone, PartialEq)]
pub struct CommuneRecord {
    pub insee_code: InseeCode,
    pub name: String,
    pub postcodes: String,
    pub department_code: String,
    pub department_name: String,
    pub region_code: String,
    pub region_name: String,
    pub population: i32,
    pub latitude: f64,
    pub longitude: f64,
}

impl CommuneRecord {
    pub fn name_folded(&self) -> String {
        fold_for_search(&self.name)
    }
}

/// Parses the communes file; an error names the line at fault, since the file ships with the
/// code and a bad line is a bug to fix before release.
pub fn communes() -> Result<Vec<CommuneRecord>, String> {
    let mut lines = COMMUNES_CSV.lines().enumerate();
    let header = lines.next().map(|(_, line)| line).unwrap_or_default();
    if header
        != "insee_code,name,postcodes,department_code,department_name,region_code,region_name,population,latitude,longitude"
    {
        return Err(format!(
            "communes-fr.csv has an unexpected header: {header}"
        ));
    }
    lines
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(number, line)| {
            let fields: Vec<&str> = line.split(',').collect();
            let at = |what: &str| format!("communes-fr.csv line {}: bad {what}", number + 1);
            let [
                insee,
                name,
                postcodes,
                department_code,
                department_name,
                region_code,
                region_name,
                population,
                latitude,
                longitude,
            ] = fields[..]
            else {
                return Err(at("number of fields"));
            };
            Ok(CommuneRecord {
                insee_code: InseeCode::parse(insee).map_err(|_| at("insee_code"))?,
                name: name.to_owned(),
                postcodes: postcodes.to_owned(),
                department_code: department_code.to_owned(),
                department_name: department_name.to_owned(),
                region_code: region_code.to_owned(),
                region_name: region_name.to_owned(),
                population: population.parse().map_err(|_| at("population"))?,
                latitude: latitude.parse().map_err(|_| at("latitude"))?,
                longitude: longitude.parse().map_err(|_| at("longitude"))?,
            })
        })
        .collect()
}

#[derive(Debug, Clone, Deserialize)]
pub struct SkillRecord {
    pub slug: String,
    pub broader: Option<String>,
    pub label_fr: String,
    pub label_en: String,
    pub alt_labels_fr: Vec<String>,
    pub alt_labels_en: Vec<String>,
    pub description_fr: Option<String>,
    pub description_en: Option<String>,
    pub esco_uri: Option<String>,
}

impl SkillRecord {
    /// Every label and synonym, folded, for the `skills(query:)` label filter.
    pub fn search_text(&self) -> String {
        let labels = [&self.label_fr, &self.label_en]
            .into_iter()
            .chain(&self.alt_labels_fr)
            .chain(&self.alt_labels_en)
            .map(|label| fold_for_search(label))
            .collect::<Vec<_>>();
        format!(" {} ", labels.join(" | "))
    }
}

/// Parses and checks the taxonomy: valid unique slugs, parents listed before their children.
pub fn skills() -> Result<Vec<SkillRecord>, String> {
    let records: Vec<SkillRecord> = serde_json::from_str(SKILLS_JSON)
        .map_err(|error| format!("skills.json does not parse: {error}"))?;
    let mut seen = std::collections::HashSet::new();
    for record in &records {
        Slug::parse(&record.slug)
            .map_err(|error| format!("skills.json: slug {:?} {error}", record.slug))?;
        if let Some(broader) = &record.broader
            && !seen.contains(broader.as_str())
        {
            return Err(format!(
                "skills.json: {} names broader {broader} before it is defined",
                record.slug
            ));
        }
        if !seen.insert(record.slug.as_str()) {
            return Err(format!("skills.json: slug {} appears twice", record.slug));
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_commune_line_parses() {
        let communes = communes().expect("communes-fr.csv parses");
        assert_eq!(communes.len(), 8143);
        let montpellier = communes
            .iter()
            .find(|c| c.insee_code.as_str() == "34172")
            .expect("Montpellier is there");
        assert_eq!(montpellier.name, "Montpellier");
        assert_eq!(montpellier.region_code, "76");
    }

    #[test]
    fn the_taxonomy_is_large_two_levels_deep_and_bilingual() {
        let skills = skills().expect("skills.json is valid");
        assert!(skills.len() >= 150, "only {} skills", skills.len());
        let families = skills.iter().filter(|s| s.broader.is_none()).count();
        assert!(families >= 8, "only {families} families");
        for skill in &skills {
            assert!(
                !skill.label_fr.trim().is_empty() && !skill.label_en.trim().is_empty(),
                "{} lacks a label",
                skill.slug
            );
        }
        let javascript = skills
            .iter()
            .find(|s| s.slug == "javascript")
            .expect("javascript is in the taxonomy");
        assert!(
            javascript.search_text().contains(" js "),
            "{}",
            javascript.search_text()
        );
    }
}
