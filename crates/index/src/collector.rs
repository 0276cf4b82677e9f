//! One pass over the matching documents that does everything a results page needs: the
//! filters that facets must see apart (kinds, modalities, departments, the radius), the facet
//! counts, the total, and the page itself, after the cursor, in the requested order.
//!
//! Facets follow the contract: a value's count is the number of hits with that value "among
//! all hits of the query and the other filters". So the kinds facet ignores the kinds filter
//! (but not the others), and likewise for modalities and departments: ticking a second kind
//! adds exactly the count shown next to it. Skills are a conjunctive filter (a hit must have
//! all the chosen skills), so their counts are over the hits themselves: the count next to a
//! skill is what clicking it leaves.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

use crate::document::{DocumentKind, Point};
use crate::query::{Near, Sort};

/// Where a page ends: the sort key and id of its last hit. The next page starts after it, so
/// pages neither repeat nor skip a hit while the index stands still, and a document added in
/// between cannot shift the pages after it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    pub key: f64,
    pub id: u128,
}

impl Cursor {
    /// Orders positions best first: higher key, then higher id.
    fn rank(self, other: Cursor) -> Ordering {
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| other.id.cmp(&self.id))
    }
}

/// A hit as the collector found it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    pub position: Cursor,
    pub kind: DocumentKind,
    pub score: f32,
    pub distance_km: Option<f64>,
}

impl Eq for Ranked {}

impl Ord for Ranked {
    /// Best first is "smallest", so that a max-heap pops the worst.
    fn cmp(&self, other: &Self) -> Ordering {
        self.position.rank(other.position)
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Counts {
    pub total: u64,
    pub kinds: HashMap<DocumentKind, u64>,
    pub modalities: HashMap<String, u64>,
    pub departments: HashMap<String, u64>,
    pub skills: HashMap<String, u64>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Collected {
    pub counts: Counts,
    /// The best hits after the cursor, best first, at most `limit`.
    pub top: Vec<Ranked>,
}

#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub kinds: Vec<DocumentKind>,
    pub modalities: Vec<String>,
    pub departments: Vec<String>,
    pub near: Option<Near>,
    pub sort: Sort,
    pub after: Option<Cursor>,
    pub limit: usize,
    pub today: i64,
    /// Whether to count facet values (see `SearchRequest::facets`).
    pub facets: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct SearchCollector {
    pub settings: Arc<Settings>,
    pub columns: Arc<ColumnCache>,
}

/// The fast-field columns a search reads, opened for one segment.
pub(crate) struct SegmentColumns {
    kind: Column<u64>,
    id_high: Column<u64>,
    id_low: Column<u64>,
    modality: Option<StrColumn>,
    departments: Option<StrColumn>,
    skills: Option<StrColumn>,
    points: Option<Column<u64>>,
    price: Option<Column<u64>>,
    starts: Option<Column<i64>>,
    available_from: Option<Column<i64>>,
    sort_time: Option<Column<i64>>,
}

impl SegmentColumns {
    fn open(reader: &SegmentReader) -> tantivy::Result<Self> {
        let fast = reader.fast_fields();
        Ok(Self {
            kind: fast.u64("kind")?,
            id_high: fast.u64("id_high")?,
            id_low: fast.u64("id_low")?,
            modality: fast.str("modality")?,
            departments: fast.str("departments")?,
            skills: fast.str("skills")?,
            points: fast.column_opt("points")?,
            price: fast.column_opt("price")?,
            starts: fast.column_opt("starts")?,
            available_from: fast.column_opt("available_from")?,
            sort_time: fast.column_opt("sort_time")?,
        })
    }
}

/// The columns of each segment, opened once. Opening a column by name reads the segment's
/// column directory; done for eleven columns in every segment of every search, it took about
/// a tenth of a search request's CPU time. Segments never change, so their columns can be kept
/// for as long as the segment lives; [`ColumnCache::retain`] drops merged-away ones.
#[derive(Default)]
pub(crate) struct ColumnCache {
    segments: std::sync::Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl std::fmt::Debug for ColumnCache {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ColumnCache")
            .finish_non_exhaustive()
    }
}

impl ColumnCache {
    fn segments(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentColumns>>> {
        // A panic while the map was held cannot leave an entry half-made: entries are
        // inserted whole.
        self.segments
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn columns(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentColumns>> {
        let id = reader.segment_id();
        if let Some(columns) = self.segments().get(&id) {
            return Ok(Arc::clone(columns));
        }
        // Opened outside the lock; two searches may both open a new segment's columns once.
        let columns = Arc::new(SegmentColumns::open(reader)?);
        self.segments().insert(id, Arc::clone(&columns));
        Ok(columns)
    }

    /// Keeps only the segments of `live` (the searcher after a reload).
    pub(crate) fn retain(&self, live: &[SegmentReader]) {
        let live: HashSet<SegmentId> = live.iter().map(SegmentReader::segment_id).collect();
        self.segments().retain(|id, _| live.contains(id));
    }
}

/// Per segment: the values of a string column wanted by a filter, as term ordinals.
fn wanted_ordinals(column: Option<&StrColumn>, wanted: &[String]) -> tantivy::Result<HashSet<u64>> {
    let mut ordinals = HashSet::new();
    if let Some(column) = column {
        for value in wanted {
            if let Some(ordinal) = column.dictionary().term_ord(value.as_bytes())? {
                ordinals.insert(ordinal);
            }
        }
    }
    Ok(ordinals)
}

pub(crate) struct SegmentSearch {
    settings: Arc<Settings>,
    columns: Arc<SegmentColumns>,
    wanted_modalities: HashSet<u64>,
    wanted_departments: HashSet<u64>,
    total: u64,
    kinds: HashMap<DocumentKind, u64>,
    modality_counts: HashMap<u64, u64>,
    department_counts: HashMap<u64, u64>,
    skill_counts: HashMap<u64, u64>,
    top: BinaryHeap<Ranked>,
}

impl Collector for SearchCollector {
    type Fruit = Collected;
    type Child = SegmentSearch;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentSearch> {
        let columns = self.columns.columns(reader)?;
        let wanted_modalities =
            wanted_ordinals(columns.modality.as_ref(), &self.settings.modalities)?;
        let wanted_departments =
            wanted_ordinals(columns.departments.as_ref(), &self.settings.departments)?;
        Ok(SegmentSearch {
            settings: Arc::clone(&self.settings),
            columns,
            wanted_modalities,
            wanted_departments,
            total: 0,
            kinds: HashMap::new(),
            modality_counts: HashMap::new(),
            department_counts: HashMap::new(),
            skill_counts: HashMap::new(),
            top: BinaryHeap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.settings.sort == Sort::Relevance
    }

    fn merge_fruits(&self, fruits: Vec<Collected>) -> tantivy::Result<Collected> {
        let mut merged = Collected::default();
        let mut top = Vec::new();
        for fruit in fruits {
            let counts = fruit.counts;
            merged.counts.total += counts.total;
            for (kind, count) in counts.kinds {
                *merged.counts.kinds.entry(kind).or_default() += count;
            }
            for (target, source) in [
                (&mut merged.counts.modalities, counts.modalities),
                (&mut merged.counts.departments, counts.departments),
                (&mut merged.counts.skills, counts.skills),
            ] {
                for (value, count) in source {
                    *target.entry(value).or_default() += count;
                }
            }
            top.extend(fruit.top);
        }
        top.sort();
        top.truncate(self.settings.limit);
        merged.top = top;
        Ok(merged)
    }
}

impl SegmentSearch {
    /// The smallest distance from the centre to one of the document's points.
    fn distance(&self, doc: DocId, near: &Near) -> Option<f64> {
        self.columns.points.as_ref().and_then(|points| {
            points
                .values_for_doc(doc)
                .map(|packed| near.centre.distance_km(Point::unpack(packed)))
                .min_by(f64::total_cmp)
        })
    }

    /// The document's sort key; `kind` is known whenever the sort is by start date.
    fn sort_key(
        &self,
        doc: DocId,
        kind: Option<DocumentKind>,
        score: Score,
        distance: Option<f64>,
    ) -> f64 {
        let settings = &self.settings;
        match settings.sort {
            Sort::Relevance => f64::from(score),
            Sort::Newest => self
                .columns
                .sort_time
                .as_ref()
                .and_then(|column| column.first(doc))
                .map_or(f64::NEG_INFINITY, |time| time as f64),
            Sort::PriceAscending => self
                .columns
                .price
                .as_ref()
                .and_then(|column| column.first(doc))
                .map_or(f64::NEG_INFINITY, |price| -(price as f64)),
            Sort::StartDate => {
                let day = match kind {
                    Some(DocumentKind::TrainingOffer) => {
                        self.columns.starts.as_ref().and_then(|column| {
                            column
                                .values_for_doc(doc)
                                .filter(|start| *start >= settings.today)
                                .min()
                        })
                    }
                    Some(DocumentKind::SkillProfile) => Some(
                        self.columns
                            .available_from
                            .as_ref()
                            .and_then(|column| column.first(doc))
                            .map_or(settings.today, |day| day.max(settings.today)),
                    ),
                    Some(DocumentKind::Organisation) | None => None,
                };
                day.map_or(f64::NEG_INFINITY, |day| -(day as f64))
            }
            Sort::Distance => distance.map_or(f64::NEG_INFINITY, |distance| -distance),
        }
    }
}

fn passes(wanted: &HashSet<u64>, filtered: bool, mut values: impl Iterator<Item = u64>) -> bool {
    !filtered || values.any(|value| wanted.contains(&value))
}

impl SegmentCollector for SegmentSearch {
    type Fruit = Collected;

    fn collect(&mut self, doc: DocId, score: Score) {
        let settings = &self.settings;
        let distance = match &settings.near {
            Some(near) => match self.distance(doc, near) {
                Some(distance) if distance <= near.radius_km => Some(distance),
                _ => return,
            },
            None => None,
        };
        // Read only what this search needs: a broad query reaches most documents, and most
        // of them neither pass a filter that excludes them nor enter the page.
        let needs_kind =
            settings.facets || !settings.kinds.is_empty() || settings.sort == Sort::StartDate;
        let known_kind = if needs_kind {
            let Some(kind) = self
                .columns
                .kind
                .first(doc)
                .and_then(DocumentKind::from_code)
            else {
                return;
            };
            Some(kind)
        } else {
            None
        };
        let kind_ok = known_kind
            .is_none_or(|kind| settings.kinds.is_empty() || settings.kinds.contains(&kind));
        let modality_ok = passes(
            &self.wanted_modalities,
            !settings.modalities.is_empty(),
            self.columns
                .modality
                .iter()
                .flat_map(|column| column.term_ords(doc)),
        );
        let department_ok = passes(
            &self.wanted_departments,
            !settings.departments.is_empty(),
            self.columns
                .departments
                .iter()
                .flat_map(|column| column.term_ords(doc)),
        );
        if settings.facets {
            if let Some(kind) = known_kind
                && modality_ok
                && department_ok
            {
                *self.kinds.entry(kind).or_default() += 1;
            }
            if kind_ok
                && department_ok
                && let Some(column) = &self.columns.modality
            {
                for ordinal in column.term_ords(doc) {
                    *self.modality_counts.entry(ordinal).or_default() += 1;
                }
            }
            if kind_ok
                && modality_ok
                && let Some(column) = &self.columns.departments
            {
                for ordinal in column.term_ords(doc) {
                    *self.department_counts.entry(ordinal).or_default() += 1;
                }
            }
        }
        if !(kind_ok && modality_ok && department_ok) {
            return;
        }
        self.total += 1;
        if settings.facets
            && let Some(column) = &self.columns.skills
        {
            for ordinal in column.term_ords(doc) {
                *self.skill_counts.entry(ordinal).or_default() += 1;
            }
        }
        let key = self.sort_key(doc, known_kind, score, distance);
        // A key below the worst of a full page, or above the cursor, cannot be on this page:
        // the id (two column reads) is only needed to break ties.
        let full = self.top.len() >= settings.limit;
        if full
            && self
                .top
                .peek()
                .is_some_and(|worst| key < worst.position.key)
        {
            return;
        }
        if let Some(after) = settings.after
            && key > after.key
        {
            return;
        }
        let id = (u128::from(self.columns.id_high.first(doc).unwrap_or(0)) << 64)
            | u128::from(self.columns.id_low.first(doc).unwrap_or(0));
        let position = Cursor { key, id };
        if let Some(after) = settings.after
            && after.rank(position) != Ordering::Less
        {
            return;
        }
        let kind = match known_kind {
            Some(kind) => kind,
            None => match self
                .columns
                .kind
                .first(doc)
                .and_then(DocumentKind::from_code)
            {
                Some(kind) => kind,
                None => return,
            },
        };
        self.top.push(Ranked {
            position,
            kind,
            score,
            distance_km: distance,
        });
        if self.top.len() > settings.limit {
            self.top.pop();
        }
    }

    fn harvest(self) -> Collected {
        let names = |column: Option<&StrColumn>, counts: HashMap<u64, u64>| {
            let mut named = HashMap::new();
            if let Some(column) = column {
                for (ordinal, count) in counts {
                    let mut value = String::new();
                    if column.ord_to_str(ordinal, &mut value).unwrap_or(false) {
                        named.insert(value, count);
                    }
                }
            }
            named
        };
        Collected {
            counts: Counts {
                total: self.total,
                kinds: self.kinds,
                modalities: names(self.columns.modality.as_ref(), self.modality_counts),
                departments: names(self.columns.departments.as_ref(), self.department_counts),
                skills: names(self.columns.skills.as_ref(), self.skill_counts),
            },
            top: self.top.into_vec(),
        }
    }
}
