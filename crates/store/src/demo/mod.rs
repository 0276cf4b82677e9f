//! Demo data: a believable Occitanie marketplace generated from a seed and the current date,
//! loaded by `serve --demo` into an empty catalogue.
//!
//! The same seed and date always give the same records (identifiers included), so that a
//! demo can be described and tested; dates are relative to the day it is loaded, so sessions
//! stay in the future.

pub mod content;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use passerelle_domain::{
    Email, Modality, OfferStatus, Siren, Siret, Slug, Visibility, fold_for_search,
};
use sea_orm::EntityTrait;
use uuid::Uuid;

use crate::entities::{
    organisation, organisation_skill, profile_skill, skill_profile, taught_skill, training_offer,
    training_session, user,
};
use crate::{Store, StoreError};
use content::{
    FIRST_NAMES, LAST_NAMES, OFFER_TEMPLATES, ORGANISATIONS, PROFILE_ARCHETYPES, PROFILE_COMMUNES,
};

/// The seed of the demo shipped with `serve --demo`.
pub const DEMO_SEED: u64 = 0x0000_CC17_A41E_2026;
const PROFILE_COUNT: usize = 230;

/// What the demo loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoSummary {
    pub organisations: usize,
    pub training_offers: usize,
    pub training_sessions: usize,
    pub skill_profiles: usize,
}

/// SplitMix64: tiny, fast, and the same on every platform, which is all a demo needs.
#[derive(Debug)]
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        let span = u64::try_from(high - low + 1).unwrap_or(1).max(1);
        low + i64::try_from(self.next() % span).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }

    /// A UUIDv7 at `at`, with random bits from the dice: deterministic identifiers.
    fn uuid_at(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next().to_be_bytes());
        random[8..].copy_from_slice(&self.next().to_be_bytes()[..2]);
        let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

fn days_before(moment: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    moment - TimeDelta::days(days)
}

fn shift(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days.unsigned_abs()))
            .unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
            .unwrap_or(date)
    }
}

fn unique_slug(taken: &mut HashSet<String>, title: &str, fallback: &str) -> String {
    let base = Slug::from_title(title, fallback);
    let mut candidate = base.clone();
    let mut suffix = 2;
    while !taken.insert(candidate.as_str().to_owned()) {
        candidate = base.with_suffix(suffix);
        suffix += 1;
    }
    candidate.as_str().to_owned()
}

fn demo_siret(dice: &mut Dice) -> Result<String, StoreError> {
    let siren_body = format!("{}{:07}", dice.between(3, 9), dice.between(0, 9_999_999));
    let siren = (0..10)
        .map(|digit| format!("{siren_body}{digit}"))
        .find(|candidate| Siren::parse(candidate).is_ok() && !candidate.starts_with("356000000"))
        .ok_or_else(|| StoreError::Corrupt("demo: no SIREN check digit".to_owned()))?;
    let establishment = format!("{siren}{:04}", dice.between(10, 99));
    Siret::with_check_digit(&establishment)
        .map(|siret| siret.as_str().to_owned())
        .map_err(|error| StoreError::Corrupt(format!("demo SIRET: {error}")))
}

fn rounded_to_ten_euros(euros: i64) -> i64 {
    (euros + 5) / 10 * 10
}

/// Everything the demo inserts, built in memory first so that loading is one transaction.
type DemoRows = crate::import::CatalogueRows;

fn generate(
    seed: u64,
    today: NaiveDate,
    skills: &HashMap<String, Uuid>,
) -> Result<DemoRows, StoreError> {
    let mut dice = Dice(seed);
    let now = today
        .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default())
        .and_utc();
    let skill_id = |slug: &str| {
        skills
            .get(slug)
            .copied()
            .ok_or_else(|| StoreError::Corrupt(format!("demo content names unknown skill {slug}")))
    };
    let mut rows = DemoRows::default();
    let mut organisation_slugs = HashSet::new();
    let mut offer_slugs = HashSet::new();

    for seed in ORGANISATIONS {
        let created_at = days_before(now, dice.between(120, 1500));
        let id = dice.uuid_at(created_at);
        let slug = unique_slug(&mut organisation_slugs, seed.name, "organisation");
        rows.organisations.push(organisation::Model {
            id,
            slug: slug.clone(),
            name: seed.name.to_owned(),
            siret: Some(demo_siret(&mut dice)?),
            naf_code: Some(seed.naf_code.to_owned()),
            description: Some(seed.description.to_owned()),
            website: Some(seed.website.to_owned()),
            insee_code: Some(seed.insee_code.to_owned()),
            is_training_provider: seed.is_training_provider,
            qualiopi_certified: seed.qualiopi_certified,
            created_at,
            updated_at: created_at,
        });
        for slug in seed.skills {
            rows.organisation_skills.push(organisation_skill::Model {
                organisation_id: id,
                skill_id: skill_id(slug)?,
            });
        }
        if !seed.is_training_provider {
            continue;
        }

        // A provider teaches what it knows: templates sharing a skill with it come first.
        let mut templates: Vec<&content::OfferTemplate> = OFFER_TEMPLATES
            .iter()
            .filter(|template| {
                template
                    .skills
                    .iter()
                    .any(|(slug, _)| seed.skills.contains(slug))
            })
            .collect();
        let wanted = usize::try_from(dice.between(6, 10)).unwrap_or(6);
        while templates.len() < wanted {
            let extra = dice.pick(OFFER_TEMPLATES);
            if !templates
                .iter()
                .any(|template| std::ptr::eq(*template, extra))
            {
                templates.push(extra);
            }
        }
        let mut chosen = Vec::new();
        while chosen.len() < wanted {
            let index = usize::try_from(dice.next() % templates.len() as u64).unwrap_or(0);
            chosen.push(templates.swap_remove(index));
        }
        for template in chosen {
            generate_offer(
                &mut dice,
                &mut rows,
                &mut offer_slugs,
                now,
                today,
                id,
                seed,
                template,
                &skill_id,
            )?;
        }
    }

    let mut names = HashSet::new();
    for _ in 0..PROFILE_COUNT {
        let (first, last) = loop {
            let pair = (*dice.pick(FIRST_NAMES), *dice.pick(LAST_NAMES));
            if names.insert(pair) {
                break pair;
            }
        };
        let archetype = dice.pick(PROFILE_ARCHETYPES);
        let created_at = days_before(now, dice.between(10, 900));
        let updated_at = created_at + TimeDelta::days(dice.between(0, 9)).min(now - created_at);
        let user_id = dice.uuid_at(created_at);
        let local_part = fold_for_search(&format!("{first}.{last}")).replace(' ', "-");
        let email =
            Email::parse(&format!("{local_part}@demo.passerelle.example")).map_err(|error| {
                StoreError::Corrupt(format!("demo e-mail for {first} {last}: {error}"))
            })?;
        let display_name = format!("{first} {last}");
        rows.users.push(user::Model {
            id: user_id,
            email: email.as_str().to_owned(),
            display_name: display_name.clone(),
            password_hash: None,
            created_at,
            updated_at: created_at,
        });
        let english = dice.chance(15);
        let (low, high) = archetype.daily_rate_euros;
        let profile_id = dice.uuid_at(created_at);
        rows.profiles.push(skill_profile::Model {
            id: profile_id,
            user_id,
            display_name,
            headline: (if english {
                archetype.headline_en
            } else {
                archetype.headline_fr
            })
            .to_owned(),
            summary: Some(
                (if english {
                    archetype.summary_en
                } else {
                    archetype.summary_fr
                })
                .to_owned(),
            ),
            insee_code: Some((*dice.pick(PROFILE_COMMUNES)).to_owned()),
            remote: dice.chance(55),
            available_from: dice
                .chance(75)
                .then(|| shift(today, dice.between(-30, 150))),
            daily_rate_cents: dice
                .chance(80)
                .then(|| rounded_to_ten_euros(dice.between(i64::from(low), i64::from(high))) * 100),
            visibility: match dice.between(0, 99) {
                0..=84 => Visibility::Public,
                85..=94 => Visibility::Members,
                _ => Visibility::Private,
            }
            .code()
            .to_owned(),
            contact_email: dice.chance(90).then(|| email.as_str().to_owned()),
            language: (if english { "en" } else { "fr" }).to_owned(),
            created_at,
            updated_at,
        });
        let mut held = HashSet::new();
        for (slug, typical) in archetype.skills {
            let level = (i64::from(*typical) + dice.between(-1, 1)).clamp(1, 5);
            if held.insert(*slug) {
                rows.profile_skills.push(profile_skill::Model {
                    profile_id,
                    skill_id: skill_id(slug)?,
                    level: i16::try_from(level).unwrap_or(1),
                    years: Some(
                        i16::try_from((level * 2 + dice.between(-1, 4)).clamp(1, 25)).unwrap_or(1),
                    ),
                });
            }
        }
    }
    Ok(rows)
}

#[allow(clippy::too_many_arguments)]
fn generate_offer(
    dice: &mut Dice,
    rows: &mut DemoRows,
    offer_slugs: &mut HashSet<String>,
    now: DateTime<Utc>,
    today: NaiveDate,
    provider_id: Uuid,
    provider: &content::OrganisationSeed,
    template: &content::OfferTemplate,
    skill_id: &impl Fn(&str) -> Result<Uuid, StoreError>,
) -> Result<(), StoreError> {
    let created_at = days_before(now, dice.between(15, 600));
    let id = dice.uuid_at(created_at);
    let slug = unique_slug(
        offer_slugs,
        &format!("{} {}", template.title, provider.name),
        "formation",
    );
    let modality = if template.remote_friendly {
        *dice.pick(&[
            Modality::InPerson,
            Modality::InPerson,
            Modality::Remote,
            Modality::Remote,
            Modality::Blended,
        ])
    } else if dice.chance(15) {
        Modality::Blended
    } else {
        Modality::InPerson
    };
    let status = match dice.between(0, 99) {
        0..=89 => OfferStatus::Published,
        90..=94 => OfferStatus::Draft,
        _ => OfferStatus::Archived,
    };
    let published_at =
        (status != OfferStatus::Draft).then(|| created_at + TimeDelta::days(dice.between(0, 10)));
    let updated_at = published_at.unwrap_or(created_at) + TimeDelta::days(dice.between(0, 40));
    let price = i64::from(template.price_euros) * dice.between(85, 115) / 100;
    rows.offers.push(training_offer::Model {
        id,
        slug: slug.clone(),
        provider_id,
        title: template.title.to_owned(),
        summary: template.summary.to_owned(),
        description: template.description.to_owned(),
        prerequisites: template.prerequisites.map(str::to_owned),
        modality: modality.code().to_owned(),
        duration_hours: i32::try_from(template.duration_hours).unwrap_or(7),
        price_cents: (!dice.chance(4)).then(|| rounded_to_ten_euros(price) * 100),
        registration_url: Some(format!(
            "{}/formations/{slug}",
            provider.website.trim_end_matches('/')
        )),
        cpf_eligible: template.cpf_eligible,
        certification_code: template.certification.map(|(code, _)| code.to_owned()),
        certification_title: template.certification.map(|(_, title)| title.to_owned()),
        language: template.language.to_owned(),
        status: status.code().to_owned(),
        version: i32::try_from(dice.between(1, 4)).unwrap_or(1),
        published_at,
        created_at,
        updated_at: updated_at.min(now),
    });
    for (slug, level) in template.skills {
        rows.taught_skills.push(taught_skill::Model {
            offer_id: id,
            skill_id: skill_id(slug)?,
            level: i16::from(*level),
        });
    }
    if status == OfferStatus::Archived {
        return Ok(());
    }
    // Working days of training, spread over calendar weeks; long courses run part time.
    let working_days = i64::from(template.duration_hours.div_ceil(7));
    let calendar_days = if working_days > 20 {
        working_days * 2
    } else {
        working_days * 7 / 5
    }
    .clamp(1, 365);
    let mut start = shift(today, dice.between(-60, 40));
    for _ in 0..dice.between(1, 4) {
        start = shift(start, dice.between(20, 90));
        let place = match modality {
            Modality::Remote => None,
            _ if dice.chance(25) => {
                Some((*dice.pick(&["31555", "34172", "30189", "66136"])).to_owned())
            }
            _ => Some(provider.insee_code.to_owned()),
        };
        let seats = i32::try_from(dice.between(8, 16)).unwrap_or(12);
        rows.sessions.push(training_session::Model {
            id: dice.uuid_at(created_at),
            offer_id: id,
            start_date: start,
            end_date: shift(start, calendar_days - 1),
            insee_code: place,
            seats: Some(seats),
            seats_taken: i32::try_from(dice.between(0, i64::from(seats))).unwrap_or(0),
        });
    }
    Ok(())
}

impl Store {
    /// Loads the demo into an empty catalogue, in one transaction; does nothing and returns
    /// `None` when the catalogue already holds organisations.
    pub async fn load_demo(
        &self,
        seed: u64,
        today: NaiveDate,
    ) -> Result<Option<DemoSummary>, StoreError> {
        let skills = self.skill_ids().await?;
        let rows = generate(seed, today, &skills)?;
        let summary = DemoSummary {
            organisations: rows.organisations.len(),
            training_offers: rows.offers.len(),
            training_sessions: rows.sessions.len(),
            skill_profiles: rows.profiles.len(),
        };
        // The demo is written to the change log like any other write, so that every node
        // following the log indexes it, including nodes that started before it was loaded.
        if !self.write_catalogue(rows, "{\"demo\":true}", true).await? {
            return Ok(None);
        }
        Ok(Some(summary))
    }
}

impl Store {
    /// The demo organisations the demo accounts join: a Qualiopi training provider and a
    /// company that is not a provider, the first of each by slug.
    pub async fn demo_organisations(
        &self,
    ) -> Result<
        (
            Option<passerelle_domain::catalogue::Organisation>,
            Option<passerelle_domain::catalogue::Organisation>,
        ),
        StoreError,
    > {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        let provider = organisation::Entity::find()
            .filter(organisation::Column::IsTrainingProvider.eq(true))
            .filter(organisation::Column::QualiopiCertified.eq(true))
            .order_by_asc(organisation::Column::Slug)
            .one(self.connection())
            .await?;
        let company = organisation::Entity::find()
            .filter(organisation::Column::IsTrainingProvider.eq(false))
            .order_by_asc(organisation::Column::Slug)
            .one(self.connection())
            .await?;
        Ok((
            provider.map(crate::records::organisation).transpose()?,
            company.map(crate::records::organisation).transpose()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxonomy() -> HashMap<String, Uuid> {
        passerelle_migrations::reference::skills()
            .expect("taxonomy parses")
            .into_iter()
            .map(|skill| (skill.slug, Uuid::now_v7()))
            .collect()
    }

    #[test]
    fn the_demo_is_large_enough_and_deterministic() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let skills = taxonomy();
        let first = generate(DEMO_SEED, today, &skills).unwrap();
        let second = generate(DEMO_SEED, today, &skills).unwrap();
        assert_eq!(first.organisations, second.organisations);
        assert_eq!(first.offers, second.offers);
        assert_eq!(first.profiles, second.profiles);
        assert!(first.organisations.len() >= 40);
        assert!(
            first
                .organisations
                .iter()
                .filter(|o| o.is_training_provider)
                .count()
                >= 15
        );
        assert!(first.offers.len() >= 150, "{} offers", first.offers.len());
        assert!(first.profiles.len() >= 200);
        assert!(
            first.offers.iter().any(|offer| offer.language == "en"),
            "some offers are in English"
        );
    }

    #[test]
    fn demo_records_obey_the_domain_rules() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let rows = generate(DEMO_SEED, today, &taxonomy()).unwrap();
        for organisation in rows.organisations.iter().cloned() {
            crate::records::organisation(organisation).unwrap();
        }
        for offer in rows.offers.iter().cloned() {
            crate::records::training_offer(offer).unwrap();
        }
        for session in rows.sessions.iter().cloned() {
            crate::records::training_session(session).unwrap();
        }
        assert!(
            rows.sessions
                .iter()
                .any(|session| session.start_date > today),
            "sessions lie ahead"
        );
        for profile in rows.profiles.iter().cloned() {
            crate::records::skill_profile(profile).unwrap();
        }
    }
}
