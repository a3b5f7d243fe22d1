"""Frameworks, controls and the Statement of Applicability (ISMS steps 7 and 9).

- `catalogue`: parse and validate catalogue files (the project's own `isms-catalogue/1`
  JSON/YAML, OSCAL catalog JSON) and mapping files (`isms-mapping/1`);
- `services`: every write (import, selection, implementation, evidence, SoA workflow);
- `evidence` and `treatments`: the registries through which the AWS checks and the risk
  register contribute to control pages and the SoA without `isms` importing them;
- `downloads`: the SoA as XLSX, PDF, CSV and JSON.
"""
