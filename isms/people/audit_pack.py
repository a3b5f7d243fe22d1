"""Competence evidence and awareness campaigns in the audit pack (CSV files)."""

from collections.abc import Iterable

from isms.exports import csv_bytes
from isms.governance.audit_pack import PackFile
from isms.people import selectors
from isms.people.models import AwarenessCampaign, CompetenceRecord


def people_files(user) -> Iterable[PackFile]:
    """Evidence of competence, gaps, awareness campaigns and their completion."""
    yield PackFile(
        "14-people/competence-records.csv",
        csv_bytes(
            ["Person", "Competence", "Kind", "Title", "Obtained", "Expires"],
            [
                [
                    r.person.name,
                    r.competence.name,
                    r.kind,
                    r.title,
                    r.obtained_on,
                    r.expires_on or "",
                ]
                for r in CompetenceRecord.objects.select_related("person", "competence")
            ],
        ),  # fmt: skip
        "Evidence of competence (clause 7.2)",
    )
    yield PackFile(
        "14-people/competence-gaps.csv",
        csv_bytes(
            ["Person", "Role", "Missing competence"],
            [
                [g["person"].name, g["role"].name, g["competence"].name]
                for g in selectors.competence_gaps()
            ],
        ),  # fmt: skip
        "Competences required by a role and not evidenced (clause 7.2)",
    )
    rows = []
    for campaign in AwarenessCampaign.objects.select_related("policy"):
        done = selectors.campaign_completion(campaign)
        rate = done["rate"] if done["rate"] is not None else ""
        rows.append(
            [campaign.title, campaign.policy, campaign.due_date, done["audience"],
             done["acknowledged"], rate]
        )  # fmt: skip
    yield PackFile(
        "14-people/awareness-campaigns.csv",
        csv_bytes(["Campaign", "Policy", "Due", "Audience", "Acknowledged", "Rate %"], rows),
        "Awareness campaigns and completion (clause 7.3, Annex A 6.3)",
    )
