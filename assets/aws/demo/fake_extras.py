"""What the fake AWS adds to moto: the few AWS calls the connector reads that moto does
not serve, answered from state kept on moto's own backends (so moto's reset forgets
it, and each account and region has its own).

Each call is answered the way AWS documents it, serialised by moto from botocore's
model, so the collectors (and Prowler, in the peer benchmark) read them through their
usual boto3 calls:

- EC2: the account's instance-metadata defaults (`Modify`/`GetInstanceMetadataDefaults`),
  block public access for AMIs and for EBS snapshots (`Enable`/`Disable`/`Get...State`),
  AMI deprecation (`EnableImageDeprecation`: `DescribeImages` then reports the
  `DeprecationTime`), Client VPN endpoints (`Create`/`Describe`/`Delete`, with their
  connection-log options) and the tunnels of VPN connections (`VgwTelemetry`: both
  down, as no customer gateway ever connects to the fake).
- Systems Manager: `DescribeInstanceInformation`. The fake's rule: the SSM agent is on
  every image and registers a running instance that has an instance profile (a real
  agent also needs the role's SSM permissions, which the fake does not check).
- RDS: `DescribeDBEngineVersions` from a small table (`ENGINE_VERSIONS`) of the
  versions AWS offers, each `available` or `deprecated`.
- AWS Backup: backup selections (`Create`/`List`/`Get`/`DeleteBackupSelection`).

`install()` patches moto's response classes in this process; it is idempotent. The
in-process server (`FakeAws`) installs them; a server in its own process is started with
`python -m assets.aws.demo.fake_extras -H 127.0.0.1 -p <port>`.
"""

from __future__ import annotations

import datetime
import json
import uuid

# The engine versions the fake AWS offers: (engine, version, status). The versions moto
# gives an instance by default are here, deprecated as they are on AWS.
ENGINE_VERSIONS: tuple[tuple[str, str, str], ...] = (
    # What moto gives a DB instance by default: long deprecated on AWS.
    ("mysql", "5.6.21", "deprecated"),
    ("postgres", "9.3.3", "deprecated"),
    ("sqlserver-ee", "11.00.2100.60.v1", "deprecated"),
    ("mysql", "5.7.44", "deprecated"),
    ("mysql", "8.0.23", "available"),
    ("mysql", "8.0.40", "available"),
    ("mysql", "8.4.3", "available"),
    ("mariadb", "10.4.34", "deprecated"),
    ("mariadb", "10.6.20", "available"),
    ("mariadb", "10.11.10", "available"),
    ("postgres", "11.22", "deprecated"),
    ("postgres", "12.22", "deprecated"),
    ("postgres", "13.4", "available"),
    ("postgres", "15.10", "available"),
    ("postgres", "16.6", "available"),
    ("postgres", "17.2", "available"),
    ("aurora-mysql", "5.7.mysql_aurora.2.07.2", "deprecated"),
    ("aurora-mysql", "8.0.mysql_aurora.3.08.0", "available"),
    ("aurora-postgresql", "12.9", "deprecated"),
    ("aurora-postgresql", "13.4", "available"),
    ("aurora-postgresql", "16.6", "available"),
    ("oracle-ee", "11.2.0.4.v3", "deprecated"),
    ("oracle-ee", "19.0.0.0.ru-2024-10.rur-2024-10.r1", "available"),
    ("sqlserver-ee", "14.00.3465.1.v1", "deprecated"),
    ("sqlserver-ee", "16.00.4165.4.v1", "available"),
)

_INSTALLED = False


def _state(backend, name: str) -> dict:
    """A dict kept on a moto backend (moto's reset rebuilds the backend, forgetting it)."""
    if not hasattr(backend, name):
        setattr(backend, name, {})
    return getattr(backend, name)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# -- EC2 ------------------------------------------------------------------------------


def _metadata_defaults(response) -> dict:
    return _state(response.ec2_backend, "_fake_metadata_defaults")


def get_instance_metadata_defaults(self):
    from moto.core.responses import ActionResult

    return ActionResult({"AccountLevel": dict(_metadata_defaults(self))})


def modify_instance_metadata_defaults(self):
    from moto.core.responses import ActionResult

    defaults = _metadata_defaults(self)
    for key in ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "InstanceMetadataTags"):
        value = self._get_param(key)
        if value in ("no-preference", -1):
            defaults.pop(key, None)
        elif value is not None:
            defaults[key] = value
    return ActionResult({"Return": True})


def _settings(response) -> dict:
    return _state(response.ec2_backend, "_fake_block_public_access")


def get_image_block_public_access_state(self):
    from moto.core.responses import ActionResult

    state = _settings(self).get("image", "unblocked")
    return ActionResult({"ImageBlockPublicAccessState": state})


def enable_image_block_public_access(self):
    from moto.core.responses import ActionResult

    state = self._get_param("ImageBlockPublicAccessState") or "block-new-sharing"
    _settings(self)["image"] = state
    return ActionResult({"ImageBlockPublicAccessState": state})


def disable_image_block_public_access(self):
    from moto.core.responses import ActionResult

    _settings(self)["image"] = "unblocked"
    return ActionResult({"ImageBlockPublicAccessState": "unblocked"})


def get_snapshot_block_public_access_state(self):
    from moto.core.responses import ActionResult

    return ActionResult({"State": _settings(self).get("snapshot", "unblocked")})


def enable_snapshot_block_public_access(self):
    from moto.core.responses import ActionResult

    state = self._get_param("State") or "block-all-sharing"
    _settings(self)["snapshot"] = state
    return ActionResult({"State": state})


def disable_snapshot_block_public_access(self):
    from moto.core.responses import ActionResult

    _settings(self)["snapshot"] = "unblocked"
    return ActionResult({"State": "unblocked"})


def enable_image_deprecation(self):
    from moto.core.responses import ActionResult

    image = self.ec2_backend.describe_images(ami_ids=[self._get_param("ImageId")])[0]
    image.deprecation_time = self._get_param("DeprecateAt")
    return ActionResult({"Return": True})


def disable_image_deprecation(self):
    from moto.core.responses import ActionResult

    image = self.ec2_backend.describe_images(ami_ids=[self._get_param("ImageId")])[0]
    image.deprecation_time = None
    return ActionResult({"Return": True})


def _client_vpn_endpoints(response) -> dict:
    return _state(response.ec2_backend, "_fake_client_vpn_endpoints")


def create_client_vpn_endpoint(self):
    from moto.core.responses import ActionResult

    endpoint_id = "cvpn-endpoint-" + uuid.uuid4().hex[:17]
    log_options = self._get_param("ConnectionLogOptions") or {"Enabled": False}
    _client_vpn_endpoints(self)[endpoint_id] = {
        "ClientVpnEndpointId": endpoint_id,
        "Description": self._get_param("Description") or "",
        "Status": {"Code": "available"},
        "CreationTime": _now().isoformat(),
        "ClientCidrBlock": self._get_param("ClientCidrBlock"),
        "ServerCertificateArn": self._get_param("ServerCertificateArn"),
        "AuthenticationOptions": self._get_param("AuthenticationOptions") or [],
        "ConnectionLogOptions": {"Enabled": bool(log_options.get("Enabled")), **log_options},
        "VpcId": self._get_param("VpcId"),
        "SplitTunnel": bool(self._get_param("SplitTunnel")),
        "Tags": [
            tag
            for spec in self._get_param("TagSpecifications") or []
            for tag in spec.get("Tags") or []
        ],
    }
    return ActionResult(
        {"ClientVpnEndpointId": endpoint_id, "Status": {"Code": "available"}, "DnsName": ""}
    )


def describe_client_vpn_endpoints(self):
    from moto.core.responses import ActionResult

    wanted = set(self._get_param("ClientVpnEndpointIds") or [])
    endpoints = [
        endpoint
        for endpoint_id, endpoint in _client_vpn_endpoints(self).items()
        if not wanted or endpoint_id in wanted
    ]
    return ActionResult({"ClientVpnEndpoints": endpoints})


def delete_client_vpn_endpoint(self):
    from moto.core.responses import ActionResult

    _client_vpn_endpoints(self).pop(self._get_param("ClientVpnEndpointId"), None)
    return ActionResult({"Status": {"Code": "deleted"}})


def _vgw_telemetry(connection) -> list[dict]:
    """A VPN connection's two tunnels, both down: nothing connects to the fake AWS."""
    return [
        {
            "OutsideIpAddress": f"203.0.113.{tunnel}",
            "Status": "DOWN",
            "StatusMessage": "no customer gateway is connected",
            "AcceptedRouteCount": 0,
        }
        for tunnel in (1, 2)
    ]


# -- Systems Manager --------------------------------------------------------------------


def describe_instance_information(self):
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[self.current_account][self.region]
    managed = [
        {
            "InstanceId": instance.id,
            "PingStatus": "Online",
            "ResourceType": "EC2Instance",
            "PlatformType": "Linux",
            "AgentVersion": "3.3.0.0",
            "IsLatestVersion": True,
        }
        for instance in ec2.all_instances()
        if instance.state == "running"
        and (
            instance.iam_instance_profile or ec2.iam_instance_profile_associations.get(instance.id)
        )
    ]
    return json.dumps({"InstanceInformationList": managed})


# -- RDS ------------------------------------------------------------------------------


def describe_db_engine_versions(self):
    from moto.core.responses import ActionResult

    engine = self._get_param("Engine")
    version = self._get_param("EngineVersion")
    include_all = str(self._get_param("IncludeAll")).lower() == "true"
    versions = [
        {
            "Engine": name,
            "EngineVersion": number,
            "Status": status,
            "DBEngineDescription": name,
            "DBEngineVersionDescription": f"{name} {number}",
            "DBParameterGroupFamily": name + number.split(".")[0],
        }
        for name, number, status in ENGINE_VERSIONS
        if (not engine or name == engine)
        and (not version or number == version)
        and (include_all or status == "available")
    ]
    return ActionResult({"DBEngineVersions": versions})


# -- AWS Backup ------------------------------------------------------------------------


def _selections(response) -> dict:
    return _state(response.backup_backend, "_fake_backup_selections")


def _plan_id(response) -> str:
    return response.path.split("/plans/")[1].split("/")[0]


def create_backup_selection(self):
    plan_id = _plan_id(self)
    self.backup_backend.get_backup_plan(backup_plan_id=plan_id, version_id=None)  # or 404
    params = json.loads(self.body)
    selection_id = str(uuid.uuid4())
    created = _now().timestamp()
    _selections(self)[selection_id] = {
        "BackupPlanId": plan_id,
        "SelectionId": selection_id,
        "BackupSelection": params["BackupSelection"],
        "CreationDate": created,
        "CreatorRequestId": params.get("CreatorRequestId", ""),
    }
    return json.dumps(
        {"SelectionId": selection_id, "BackupPlanId": plan_id, "CreationDate": created}
    )


def list_backup_selections(self):
    plan_id = _plan_id(self)
    listed = [
        {
            "SelectionId": selection["SelectionId"],
            "SelectionName": selection["BackupSelection"]["SelectionName"],
            "BackupPlanId": plan_id,
            "CreationDate": selection["CreationDate"],
            "IamRoleArn": selection["BackupSelection"]["IamRoleArn"],
        }
        for selection in _selections(self).values()
        if selection["BackupPlanId"] == plan_id
    ]
    return json.dumps({"BackupSelectionsList": listed})


def get_backup_selection(self):
    selection = _selections(self)[self.path.rstrip("/").split("/")[-1]]
    return json.dumps(selection)


def delete_backup_selection(self):
    _selections(self).pop(self.path.rstrip("/").split("/")[-1], None)
    return "{}"


# -- installing ------------------------------------------------------------------------


def install() -> None:
    """Teach moto's response classes (in this process) the calls above."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.backup.responses import BackupResponse
    from moto.ec2.models.vpn_connections import VPNConnection
    from moto.ec2.responses import EC2Response
    from moto.rds.responses import RDSResponse
    from moto.ssm.responses import SimpleSystemManagerResponse

    for function in (
        get_instance_metadata_defaults,
        modify_instance_metadata_defaults,
        get_image_block_public_access_state,
        enable_image_block_public_access,
        disable_image_block_public_access,
        get_snapshot_block_public_access_state,
        enable_snapshot_block_public_access,
        disable_snapshot_block_public_access,
        enable_image_deprecation,
        disable_image_deprecation,
        create_client_vpn_endpoint,
        describe_client_vpn_endpoints,
        delete_client_vpn_endpoint,
    ):
        setattr(EC2Response, function.__name__, function)
    VPNConnection.vgw_telemetry = property(_vgw_telemetry)
    SimpleSystemManagerResponse.describe_instance_information = describe_instance_information
    RDSResponse.describe_db_engine_versions = describe_db_engine_versions
    for function in (
        create_backup_selection,
        list_backup_selections,
        get_backup_selection,
        delete_backup_selection,
    ):
        setattr(BackupResponse, function.__name__, function)
    _INSTALLED = True


if __name__ == "__main__":  # pragma: no cover - a server process for the benchmarks
    import sys

    from moto.server import main

    install()
    main(sys.argv[1:])
