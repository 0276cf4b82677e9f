#!/usr/bin/env python3
"""Measures the write side of a running Passerelle server over HTTP, one client at a time.

    cargo run --release -- serve --data-dir /tmp/measure &   # a fresh data dir
    python3 scripts/measure-writes.py http://127.0.0.1:8080 [offers]

Prints the median and 95th percentile latency of register (Argon2id hashing), login,
createTrainingOffer, updateTrainingOffer and publishTrainingOffer, and the offers written per
second. Standard library only.
"""

import sys
import time
import uuid

from graphql_client import Client, report

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
call = Client(BASE).call
OFFERS = int(sys.argv[2]) if len(sys.argv) > 2 else 200


def main():
    run = uuid.uuid4().hex[:8]
    password = "mesure des ecritures"
    registers, logins = [], []
    token = None
    for n in range(10):
        data, ms = call(
            "mutation($i: RegisterInput!) { register(input: $i) { accessToken userErrors { message } } }",
            {"i": {"email": f"mesure-{run}-{n}@example.fr", "password": password, "displayName": "Mesure"}},
        )
        registers.append(ms)
        token = token or data["register"]["accessToken"]
    for _ in range(10):
        data, ms = call(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken userErrors { message } } }",
            {"i": {"email": f"mesure-{run}-0@example.fr", "password": password}},
        )
        logins.append(ms)
    data, _ = call(
        "mutation { createOrganisation(input: {name: \"Mesure Formation\", isTrainingProvider: true, place: \"34172\"}) { organisation { id } } }",
        token=token,
    )
    organisation = data["createOrganisation"]["organisation"]["id"]
    offer = {
        "title": "Rust pour les services web",
        "summary": "Écrire des services web sûrs et rapides en Rust.",
        "description": "Programme : propriété et emprunts, traits, async avec tokio, axum et sea-orm, sur un projet réel.",
        "skills": [{"skill": "rust", "level": 3}, {"skill": "postgresql", "level": 2}],
        "modality": "IN_PERSON",
        "durationHours": 21,
        "priceCents": 180000,
        "sessions": [{"startDate": "2027-03-01", "endDate": "2027-03-03", "place": "34172", "seats": 12}],
    }
    creates, updates, publishes = [], [], []
    started = time.perf_counter()
    for _ in range(OFFERS):
        data, ms = call(
            "mutation($o: ID!, $i: TrainingOfferInput!) { createTrainingOffer(organisationId: $o, input: $i) { trainingOffer { id version } userErrors { message } } }",
            {"o": organisation, "i": offer},
            token,
        )
        creates.append(ms)
        created = data["createTrainingOffer"]["trainingOffer"]
        data, ms = call(
            "mutation($id: ID!, $v: Int!, $i: TrainingOfferInput!) { updateTrainingOffer(id: $id, expectedVersion: $v, input: $i) { trainingOffer { version } userErrors { message } } }",
            {"id": created["id"], "v": created["version"], "i": offer},
            token,
        )
        updates.append(ms)
        data, ms = call(
            "mutation($id: ID!) { publishTrainingOffer(id: $id) { trainingOffer { status } userErrors { message } } }",
            {"id": created["id"]},
            token,
        )
        publishes.append(ms)
    total = time.perf_counter() - started
    report("register", registers)
    report("login", logins)
    report("createTrainingOffer", creates)
    report("updateTrainingOffer", updates)
    report("publishTrainingOffer", publishes)
    print(f"{OFFERS} offers created, updated and published in {total:.1f} s "
          f"({OFFERS * 3 / total:.0f} writes/s, one client)")


main()
