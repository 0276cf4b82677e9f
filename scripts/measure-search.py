#!/usr/bin/env python3
"""Measures the read side of search on a running Passerelle server over HTTP, one client at a time.

    cargo run --release -- serve --demo --data-dir /tmp/measure-search &
    python3 scripts/measure-search.py http://127.0.0.1:8080 [rounds]

Prints median and 95th percentile latency of search (several query shapes), suggest, places and
matchNeed, then the time from publishTrainingOffer returning to the offer being found by search
on the same node (polled every 5 ms). Uses the demo trainer account. Standard library only.
(The benchmark issue builds the real load test; this is a quick check of single-request costs.)
"""

import sys
import time
import uuid

from graphql_client import Client, report

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
call = Client(BASE).call
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 200

SEARCH = """query($q: String, $f: SearchFilter, $sort: SearchSort) {
  search(query: $q, filter: $f, sort: $sort, first: 20) {
    totalCount facets { kinds { value count } skills { value count } modalities { value count } departments { value count } }
    edges { cursor score distanceKm highlights { field snippet }
      node { __typename ... on Node { id } ... on TrainingOffer { title provider { name } } ... on SkillProfile { displayName } ... on Organisation { name } } } } }"""

SHAPES = {
    "search word": {"q": "cybersécurité"},
    "search 3 words+typo": {"q": "dev rust montpelier"},
    "search prefix": {"q": "kubern"},
    "search browse+filters": {"q": "", "f": {"kinds": ["TRAINING_OFFER"], "cpfEligible": True, "departments": ["34", "31"]}},
    "search near+distance": {"q": "data", "sort": "DISTANCE", "f": {"near": {"latitude": 43.611, "longitude": 3.877, "radiusKm": 50}}},
}


def main():
    for name, variables in SHAPES.items():
        call(SEARCH, variables)  # warm-up
        report(name, [call(SEARCH, variables)[1] for _ in range(ROUNDS)])
    suggest = "query($p: String!) { suggest(prefix: $p) { text kind node { id } } }"
    report("suggest", [call(suggest, {"p": p})[1] for p in ["ku", "cyb", "dév", "form", "sec"] * (ROUNDS // 5)])
    places = "query($p: String!) { places(prefix: $p) { inseeCode name } }"
    report("places", [call(places, {"p": p})[1] for p in ["nimes", "mont", "340", "toul", "saint"] * (ROUNDS // 5)])
    need = """query { matchNeed(need: { skills: [{ skill: "rust", minLevel: 4 }, { skill: "docker", minLevel: 3 }, { skill: "postgresql", minLevel: 2 }],
      near: { latitude: 43.611, longitude: 3.877, radiusKm: 80 } }, first: 10) {
      profiles { score coverage gaps { skill { slug } trainingOffers { id } } } trainingOffers { score trainingOffer { id } } } }"""
    report("matchNeed", [call(need)[1] for _ in range(ROUNDS // 4)])

    data, _ = call(
        'mutation { login(input: { email: "formateur@demo.passerelle.example", password: "formateur-demo-2026" }) { accessToken } }'
    )
    token = data["login"]["accessToken"]
    data, _ = call("{ viewer { memberships { organisation { id isTrainingProvider } } } }", token=token)
    organisation = next(
        m["organisation"]["id"] for m in data["viewer"]["memberships"] if m["organisation"]["isTrainingProvider"]
    )
    delays = []
    for n in range(20):
        word = "mesure" + uuid.uuid4().hex[:10]
        start_date = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 40 * 86400))
        end_date = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 42 * 86400))
        offer = {
            "title": f"Formation {word}",
            "summary": "Mesure du délai entre publication et recherche.",
            "description": "Une offre publiée pour mesurer le temps qu'elle met à devenir trouvable par la recherche du nœud.",
            "skills": [{"skill": "rust", "level": 2}],
            "modality": "IN_PERSON",
            "durationHours": 7,
            "priceCents": 50000,
            "sessions": [{"startDate": start_date, "endDate": end_date, "place": "34172", "seats": 10}],
        }
        data, _ = call(
            "mutation($o: ID!, $i: TrainingOfferInput!) { createTrainingOffer(organisationId: $o, input: $i) { trainingOffer { id } userErrors { message } } }",
            {"o": organisation, "i": offer},
            token,
        )
        offer_id = data["createTrainingOffer"]["trainingOffer"]["id"]
        call("mutation($id: ID!) { publishTrainingOffer(id: $id) { userErrors { message } } }", {"id": offer_id}, token)
        published = time.perf_counter()
        while True:
            data, _ = call("query($q: String) { search(query: $q) { edges { node { ... on Node { id } } } } }", {"q": word})
            if any(edge["node"]["id"] == offer_id for edge in data["search"]["edges"]):
                break
            time.sleep(0.005)
        delays.append((time.perf_counter() - published) * 1000)
    report("publish -> searchable", delays)


if __name__ == "__main__":
    main()
