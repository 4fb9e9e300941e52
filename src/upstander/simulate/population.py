"""Members of the public in force records: who they are, where they live, how to reach them, how vulnerable.

Prevalences are judgement informed by the seeds: victims of domestic abuse, mental ill health and drug
or alcohol dependency are the vulnerabilities the APSP learning names as most common.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from upstander.feeds.contract import AGE_BANDS
from upstander.simulate.names import FORENAMES, SURNAMES

AGE_P = np.array([0.14, 0.16, 0.24, 0.19, 0.13, 0.08, 0.06])
VULN_P = {  # share of people in records carrying each marker (under_18 and DA follow from age and pairs)
    "mental_ill_health": 0.18,
    "substance_dependency": 0.10,
    "learning_disability": 0.03,
    "missing": 0.02,
    "suicidal": 0.03,
    "trafficked": 0.003,
}
DA_SHARE = 0.07  # people in records who are domestic abuse victims, each paired with an abuser at home
OFFENDER_SHARE = 0.15
OCG_SHARE_OF_OFFENDERS = 0.03


@dataclass
class Population:
    person_id: list[str]
    surname: list[str]
    age_band: np.ndarray  # index into AGE_BANDS
    sex: np.ndarray  # object array
    vulns: list[list[str]]
    addr: np.ndarray
    phones: list[list[str]]
    emails: list[list[str]]
    da_partner: np.ndarray  # for a domestic abuse victim, the index of the abuser; else -1
    offender: np.ndarray  # bool
    ocg: np.ndarray  # bool: an organised-crime nominal
    victim_cdf: np.ndarray  # cumulative weights for drawing victims (repeat victimisation)
    offender_cdf: np.ndarray

    @property
    def n(self) -> int:
        return len(self.person_id)

    def vulnerable(self, i: int) -> bool:
        return bool(self.vulns[i])

    def draw(self, rng: np.random.Generator, cdf: np.ndarray, k: int = 1) -> np.ndarray:
        return np.searchsorted(cdf, rng.random(k) * cdf[-1])


def build_population(rng: np.random.Generator, n_people: int, n_addresses: int,
                     staff_homes: np.ndarray | None = None) -> Population:
    """The public in records. No one lives in a member of staff's home (`staff_homes`): the people of a
    household are each other's family, not strangers, and a scenario or look-alike that puts an officer in the
    same home as someone in records does so on purpose."""
    age = rng.choice(len(AGE_BANDS), n_people, p=AGE_P)
    sex = rng.choice(np.array(["female", "male", "unknown"], dtype=object), n_people, p=[0.49, 0.49, 0.02])
    adult = age > 0
    free = np.setdiff1d(np.arange(n_addresses), staff_homes if staff_homes is not None else [])
    addr = free[rng.integers(0, len(free), n_people)]
    surname = list(rng.choice(SURNAMES, n_people))
    offender = (rng.random(n_people) < OFFENDER_SHARE * np.where(sex == "male", 1.6, 0.4)) & adult
    ocg = offender & (rng.random(n_people) < OCG_SHARE_OF_OFFENDERS)

    # Domestic abuse: mostly women, each living with an abusive partner who is in records too.
    da_victim = adult & (rng.random(n_people) < DA_SHARE * np.where(sex == "female", 1.7, 0.3)) & ~offender
    da_partner = np.full(n_people, -1)
    partners = np.flatnonzero(offender & ~ocg)
    victims = np.flatnonzero(da_victim)
    if len(partners):
        chosen = rng.choice(partners, len(victims))
        da_partner[victims] = chosen
        addr[chosen] = addr[victims]  # they share a home
        for v, p in zip(victims, chosen, strict=True):
            surname[p] = surname[v] if rng.random() < 0.6 else surname[p]

    vulns: list[list[str]] = [[] for _ in range(n_people)]
    for marker, p in VULN_P.items():
        for i in np.flatnonzero(rng.random(n_people) < p):
            vulns[i].append(marker)
    for i in victims:
        vulns[i].append("domestic_abuse_victim")
    for i in np.flatnonzero(age == 0):
        vulns[i].append("under_18")

    mobiles = rng.choice(400_000_000, n_people, replace=False) + 500_000_000  # +447 5.. to +447 8..
    has_mobile = rng.random(n_people) < 0.85
    has_landline = rng.random(n_people) < 0.08
    has_email = (rng.random(n_people) < 0.3) & adult
    forename = rng.choice(FORENAMES, n_people)
    email_domains = np.array(["example.org", "example.net", "example.com"])
    phones: list[list[str]] = []
    emails: list[list[str]] = []
    for i in range(n_people):
        numbers = [f"+447{mobiles[i]:09d}"] if has_mobile[i] else []
        if has_landline[i]:
            numbers.append(f"+441{rng.integers(100_000_000, 999_999_999)}")
        phones.append(numbers)
        emails.append(
            [f"{forename[i].lower()}.{surname[i].lower()}{i % 97}@{email_domains[i % 3]}"] if has_email[i] else []
        )

    # Repeat victimisation and repeat offending are heavily skewed: a few people appear again and again.
    victim_w = rng.lognormal(0, 1.1, n_people) * np.where(np.array([bool(v) for v in vulns]), 1.8, 1.0)
    victim_w[offender] *= 0.4
    offender_w = np.where(offender, rng.lognormal(0, 1.2, n_people), 0.0)
    return Population(
        person_id=[f"P{i + 1:07d}" for i in range(n_people)],
        surname=surname,
        age_band=age,
        sex=sex,
        vulns=vulns,
        addr=addr,
        phones=phones,
        emails=emails,
        da_partner=da_partner,
        offender=offender,
        ocg=ocg,
        victim_cdf=np.cumsum(victim_w),
        offender_cdf=np.cumsum(offender_w),
    )
