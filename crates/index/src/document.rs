//! What is indexed: one document per published offer, public profile and organisation, and
//! the tantivy schema that holds them.
//!
//! Text is indexed twice: stemmed in the document's language (French and English fields, so a
//! query can be stemmed both ways and meet either), and folded only (for typo tolerance and
//! prefixes, which must work on whole words, not stems). Everything a filter, a facet or a sort
//! needs is a fast field, read column-wise by the search collector.

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{ENGLISH, FOLDED, FRENCH, TextLanguage};
use crate::taxonomy::Taxonomy;

/// The three kinds of things the marketplace lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentKind {
    TrainingOffer,
    SkillProfile,
    Organisation,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 3] = [
        DocumentKind::TrainingOffer,
        DocumentKind::SkillProfile,
        DocumentKind::Organisation,
    ];

    pub(crate) fn code(self) -> u64 {
        match self {
            Self::TrainingOffer => 0,
            Self::SkillProfile => 1,
            Self::Organisation => 2,
        }
    }

    pub(crate) fn from_code(code: u64) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

/// Which record a document stands for: its kind and its UUID as a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentKey {
    pub kind: DocumentKind,
    pub id: u128,
}

impl DocumentKey {
    /// The indexed term a document is replaced or deleted by: its kind's code and its UUID,
    /// 17 bytes. Every document has its own, so the key field's term dictionary holds as many
    /// terms as the index has documents, rebuilt at every flush and merge: as raw bytes its
    /// terms are half as long as in hexadecimal text, and so is that work.
    pub(crate) fn term_bytes(self) -> [u8; 17] {
        let mut bytes = [0; 17];
        bytes[0] = self.kind.code() as u8;
        bytes[1..].copy_from_slice(&self.id.to_be_bytes());
        bytes
    }

    pub(crate) fn from_term_bytes(bytes: &[u8]) -> Option<Self> {
        let (kind, id) = bytes.split_first()?;
        Some(Self {
            kind: DocumentKind::from_code(u64::from(*kind))?,
            id: u128::from_be_bytes(id.try_into().ok()?),
        })
    }
}

/// A place a document is at (a session's, a profile's, an organisation's commune).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub latitude: f64,
    pub longitude: f64,
}

/// Degrees to the 32-bit grid points are stored on (about a centimetre apart).
const GRID: f64 = 4_294_967_295.0;

impl Point {
    /// Both coordinates in one `u64`, so that a multi-valued column keeps each pair together.
    pub(crate) fn pack(self) -> u64 {
        let latitude = ((self.latitude + 90.0) / 180.0 * GRID).round() as u64;
        let longitude = ((self.longitude + 180.0) / 360.0 * GRID).round() as u64;
        (latitude << 32) | (longitude & 0xFFFF_FFFF)
    }

    pub(crate) fn unpack(packed: u64) -> Self {
        let latitude = (packed >> 32) as f64 / GRID * 180.0 - 90.0;
        let longitude = (packed & 0xFFFF_FFFF) as f64 / GRID * 360.0 - 180.0;
        Self {
            latitude,
            longitude,
        }
    }

    /// Great-circle distance in kilometres.
    pub fn distance_km(self, other: Point) -> f64 {
        const EARTH_RADIUS_KM: f64 = 6371.0;
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let delta_lat = lat2 - lat1;
        let delta_lon = (other.longitude - self.longitude).to_radians();
        let a = (delta_lat / 2.0).sin().powi(2)
            + lat1.cos() * lat2.cos() * (delta_lon / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
    }
}

/// Everything the index knows of one record. Dates are days since 1970-01-01.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub key: DocumentKey,
    pub language: TextLanguage,
    /// Offer title, profile name and headline, organisation name.
    pub title: String,
    /// Summaries and descriptions.
    pub body: Vec<String>,
    /// Names of the provider and places: searchable, weighted like body text.
    pub context: Vec<String>,
    /// Skills with their level (taught or held; 0 when the record has no level).
    pub skills: Vec<(String, u8)>,
    pub departments: Vec<String>,
    pub points: Vec<Point>,
    pub modality: Option<String>,
    pub price_cents: Option<u64>,
    pub cpf_eligible: bool,
    pub certified: bool,
    pub qualiopi: bool,
    pub session_starts: Vec<i64>,
    pub available_from: Option<i64>,
    /// Publication or update time, in seconds: what NEWEST sorts by.
    pub sort_time: i64,
}

/// The fields of the index schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub key: Field,
    pub kind: Field,
    pub id_high: Field,
    pub id_low: Field,
    pub title_fr: Field,
    pub title_en: Field,
    pub skills_fr: Field,
    pub skills_en: Field,
    pub body_fr: Field,
    pub body_en: Field,
    pub folded_title: Field,
    pub folded_body: Field,
    /// Offer titles and organisation names only, for suggestions.
    pub name: Field,
    pub display: Field,
    pub skills: Field,
    pub skill_levels: Field,
    pub departments: Field,
    pub modality: Field,
    pub points: Field,
    pub price: Field,
    pub flags: Field,
    pub starts: Field,
    pub available_from: Field,
    pub sort_time: Field,
}

pub(crate) const FLAG_CPF: &str = "cpf";
pub(crate) const FLAG_CERTIFIED: &str = "certified";
pub(crate) const FLAG_QUALIOPI: &str = "qualiopi";
/// The `skill_levels` term standing for "any skill at this level or above".
pub(crate) const ANY_SKILL: &str = "*";

pub(crate) fn skill_level_term(slug: &str, level: u8) -> String {
    format!("{slug}@{level}")
}

fn text(tokenizer: &str, positions: bool) -> TextOptions {
    let record = if positions {
        IndexRecordOption::WithFreqsAndPositions
    } else {
        IndexRecordOption::WithFreqs
    };
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// A folded field is searched only for which documents hold a word (typo variants and
/// completions, scored by a constant, see `scoring::AnyTerm`) and how many: neither a word's
/// frequency in a document nor the field's length is ever read, so neither is written.
fn folded() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLDED)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let fields = Fields {
            key: builder.add_bytes_field("key", INDEXED | STORED),
            kind: builder.add_u64_field("kind", INDEXED | FAST),
            id_high: builder.add_u64_field("id_high", FAST),
            id_low: builder.add_u64_field("id_low", FAST),
            title_fr: builder.add_text_field("title_fr", text(FRENCH, false)),
            title_en: builder.add_text_field("title_en", text(ENGLISH, false)),
            skills_fr: builder.add_text_field("skills_fr", text(FRENCH, false)),
            skills_en: builder.add_text_field("skills_en", text(ENGLISH, false)),
            body_fr: builder.add_text_field("body_fr", text(FRENCH, false)),
            body_en: builder.add_text_field("body_en", text(ENGLISH, false)),
            folded_title: builder.add_text_field("folded_title", folded()),
            folded_body: builder.add_text_field("folded_body", folded()),
            name: builder.add_text_field("name", text(FOLDED, false)),
            display: builder.add_text_field("display", STORED),
            skills: builder.add_text_field("skills", STRING | FAST),
            skill_levels: builder.add_text_field("skill_levels", STRING),
            departments: builder.add_text_field("departments", STRING | FAST),
            modality: builder.add_text_field("modality", STRING | FAST),
            points: builder.add_u64_field("points", FAST),
            price: builder.add_u64_field("price", INDEXED | FAST),
            flags: builder.add_text_field("flags", STRING),
            starts: builder.add_i64_field("starts", INDEXED | FAST),
            available_from: builder.add_i64_field("available_from", INDEXED | FAST),
            sort_time: builder.add_i64_field("sort_time", FAST),
        };
        (builder.build(), fields)
    }

    pub(crate) fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let field = |name: &str| schema.get_field(name);
        Ok(Fields {
            key: field("key")?,
            kind: field("kind")?,
            id_high: field("id_high")?,
            id_low: field("id_low")?,
            title_fr: field("title_fr")?,
            title_en: field("title_en")?,
            skills_fr: field("skills_fr")?,
            skills_en: field("skills_en")?,
            body_fr: field("body_fr")?,
            body_en: field("body_en")?,
            folded_title: field("folded_title")?,
            folded_body: field("folded_body")?,
            name: field("name")?,
            display: field("display")?,
            skills: field("skills")?,
            skill_levels: field("skill_levels")?,
            departments: field("departments")?,
            modality: field("modality")?,
            points: field("points")?,
            price: field("price")?,
            flags: field("flags")?,
            starts: field("starts")?,
            available_from: field("available_from")?,
            sort_time: field("sort_time")?,
        })
    }

    /// The tantivy document for a record. Skill labels come from the taxonomy in both
    /// languages, whatever the document's language, so "Kubernetes" and its synonyms match.
    pub(crate) fn document(&self, document: &Document, taxonomy: &Taxonomy) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        let key = document.key;
        doc.add_bytes(self.key, &key.term_bytes());
        doc.add_u64(self.kind, key.kind.code());
        doc.add_u64(self.id_high, (key.id >> 64) as u64);
        doc.add_u64(self.id_low, key.id as u64);
        let (title, body) = match document.language {
            TextLanguage::French => (self.title_fr, self.body_fr),
            TextLanguage::English => (self.title_en, self.body_en),
        };
        doc.add_text(title, &document.title);
        doc.add_text(self.folded_title, &document.title);
        if key.kind != DocumentKind::SkillProfile {
            doc.add_text(self.name, &document.title);
        }
        doc.add_text(self.display, &document.title);
        for text in document.body.iter().chain(&document.context) {
            doc.add_text(body, text);
            doc.add_text(self.folded_body, text);
        }
        let mut any_level = 0;
        for (slug, level) in &document.skills {
            doc.add_text(self.skills, slug);
            for level in 1..=*level {
                doc.add_text(self.skill_levels, skill_level_term(slug, level));
            }
            any_level = any_level.max(*level);
            if let Some(skill) = taxonomy.skill(slug) {
                doc.add_text(self.skills_fr, &skill.label_fr);
                doc.add_text(self.skills_en, &skill.label_en);
                doc.add_text(self.folded_title, &skill.label_fr);
                if skill.label_en != skill.label_fr {
                    doc.add_text(self.folded_title, &skill.label_en);
                }
            }
        }
        for level in 1..=any_level {
            doc.add_text(self.skill_levels, skill_level_term(ANY_SKILL, level));
        }
        for department in &document.departments {
            doc.add_text(self.departments, department);
        }
        for point in &document.points {
            doc.add_u64(self.points, point.pack());
        }
        if let Some(modality) = &document.modality {
            doc.add_text(self.modality, modality);
        }
        if let Some(price) = document.price_cents {
            doc.add_u64(self.price, price);
        }
        for (set, flag) in [
            (document.cpf_eligible, FLAG_CPF),
            (document.certified, FLAG_CERTIFIED),
            (document.qualiopi, FLAG_QUALIOPI),
        ] {
            if set {
                doc.add_text(self.flags, flag);
            }
        }
        for start in &document.session_starts {
            doc.add_i64(self.starts, *start);
        }
        if let Some(available) = document.available_from {
            doc.add_i64(self.available_from, available);
        }
        doc.add_i64(self.sort_time, document.sort_time);
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_survives_its_term_and_keys_differ_by_kind() {
        let id = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        for kind in DocumentKind::ALL {
            let key = DocumentKey { kind, id };
            assert_eq!(DocumentKey::from_term_bytes(&key.term_bytes()), Some(key));
        }
        let offer = DocumentKey {
            kind: DocumentKind::TrainingOffer,
            id,
        };
        let profile = DocumentKey {
            kind: DocumentKind::SkillProfile,
            id,
        };
        assert_ne!(offer.term_bytes(), profile.term_bytes());
        assert_eq!(
            DocumentKey::from_term_bytes(&offer.term_bytes()[..16]),
            None
        );
        assert_eq!(DocumentKey::from_term_bytes(&[9; 17]), None);
    }

    #[test]
    fn a_point_survives_packing_within_a_metre() {
        let montpellier = Point {
            latitude: 43.611,
            longitude: 3.877,
        };
        let unpacked = Point::unpack(montpellier.pack());
        assert!(montpellier.distance_km(unpacked) < 0.001);
    }

    #[test]
    fn distances_between_known_cities() {
        let montpellier = Point {
            latitude: 43.611,
            longitude: 3.877,
        };
        let nimes = Point {
            latitude: 43.837,
            longitude: 4.360,
        };
        let distance = montpellier.distance_km(nimes);
        assert!((44.0..48.0).contains(&distance), "{distance}");
    }
}
