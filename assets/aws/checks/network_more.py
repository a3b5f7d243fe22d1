"""More VPC checks (issue 18): networks in a single region, VPCs without an EC2 endpoint,
VPCs whose every subnet is public, endpoint services open to other accounts, peering
routes wider than needed and VPN connections with a tunnel down."""

from __future__ import annotations

from collections import defaultdict

from assets.aws.checks.base import Severity, Threat, as_list, dig, failed, not_evaluated, passed
from assets.aws.checks.network import WORLD
from assets.aws.checks.registry import check

VPC = (("vpc", "vpc"),)


def _vpcs_in_use(estate) -> set[tuple[str, str]]:
    """(region, VPC id) of the VPCs that hold at least one instance."""
    return {
        (instance.region, instance.configuration.get("VpcId"))
        for instance in estate.by_type.get(("ec2", "instance"), [])
        if dig(instance.configuration, "State", "Name") not in ("terminated", "shutting-down")
    }


def _in_use(resource, estate) -> bool:
    used = estate.cached("vpcs-in-use", lambda: _vpcs_in_use(estate))
    return (resource.region, resource.configuration.get("VpcId")) in used


@check(
    id="vpc-single-region",
    title="Every VPC of the account in one region",
    service="vpc",
    resource_types=VPC,
    severity=Severity.LOW,
    threat=Threat.AVAILABILITY,
    rationale="Networks in one region only leave no place to fail over to when that "
    "region is impaired; a disaster-recovery plan needs a second region ready.",
    console="Create the recovery environment's VPC in a second region (VPC > Create VPC, "
    "after choosing the region), with the routing and controls of the first.",
    cli="aws ec2 create-vpc --cidr-block <cidr> --region <second-region>",
    iso27001=("8.14", "5.30"),
    csf=("PR.IR-03",),
    needs=(),
)
def vpc_single_region(resource, estate):
    if resource.configuration.get("IsDefault"):
        return passed()  # AWS creates default VPCs everywhere: they prove nothing

    def regions():
        return {
            vpc.region
            for vpc in estate.by_type.get(("vpc", "vpc"), [])
            if not vpc.configuration.get("IsDefault")
        }

    found = estate.cached("vpc-regions", regions)
    if len(found) > 1:
        return passed()
    return failed(f"The account's VPCs are all in {resource.region}.")


@check(
    id="vpc-no-ec2-endpoint",
    title="VPC in use without an endpoint for the EC2 API",
    service="vpc",
    resource_types=VPC,
    severity=Severity.LOW,
    threat=Threat.NETWORK,
    rationale="Without an interface endpoint, calls from the VPC's instances to the EC2 "
    "API leave through the internet or a NAT gateway, and endpoint policies cannot limit "
    "them.",
    console="VPC > Endpoints > Create endpoint: AWS service com.amazonaws.<region>.ec2, "
    "the VPC, a subnet per zone, private DNS on.",
    cli="aws ec2 create-vpc-endpoint --vpc-id <vpc-id> --vpc-endpoint-type Interface "
    "--service-name com.amazonaws.<region>.ec2 --subnet-ids <subnet-ids>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def vpc_no_ec2_endpoint(resource, estate):
    if not _in_use(resource, estate):
        return passed()  # no instance calls the API from here

    def with_endpoint():
        return {
            (endpoint.region, endpoint.configuration.get("VpcId"))
            for endpoint in estate.by_type.get(("vpc", "vpc-endpoint"), [])
            if str(endpoint.configuration.get("ServiceName", "")).endswith(".ec2")
        }

    key = (resource.region, resource.configuration.get("VpcId"))
    if key in estate.cached("vpcs-with-ec2-endpoint", with_endpoint):
        return passed()
    return failed(f"VPC {resource.name} has no EC2 endpoint.")


def _public_subnets(estate) -> dict[tuple[str, str], bool]:
    """{(region, subnet id): routes to an internet gateway}, through the subnet's own
    route table or else its VPC's main one."""
    own: dict[tuple[str, str], dict] = {}
    main: dict[tuple[str, str], dict] = {}
    for table in estate.by_type.get(("vpc", "route-table"), []):
        config = table.configuration
        for association in as_list(config.get("Associations")):
            if association.get("Main"):
                main[(table.region, config.get("VpcId"))] = config
            elif association.get("SubnetId"):
                own[(table.region, association["SubnetId"])] = config
    public = {}
    for subnet in estate.by_type.get(("vpc", "subnet"), []):
        config = subnet.configuration
        table = own.get((subnet.region, config.get("SubnetId"))) or main.get(
            (subnet.region, config.get("VpcId"))
        )
        public[(subnet.region, config.get("SubnetId"))] = any(
            str(route.get("GatewayId", "")).startswith("igw-")
            and (
                route.get("DestinationCidrBlock") in WORLD
                or route.get("DestinationIpv6CidrBlock") in WORLD
            )
            for route in as_list((table or {}).get("Routes"))
        )
    return public


@check(
    id="vpc-only-public-subnets",
    title="VPC in use whose every subnet is public",
    service="vpc",
    resource_types=VPC,
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="When every subnet routes to the internet gateway, databases and internal "
    "services can only sit in public subnets: there is no private tier to keep them in.",
    console="VPC > Subnets > Create subnet (one per zone) with a route table that has no "
    "route to the internet gateway; move internal workloads there.",
    cli="aws ec2 create-subnet --vpc-id <vpc-id> --cidr-block <cidr> && "
    "aws ec2 associate-route-table --route-table-id <private-rt> --subnet-id <subnet-id>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def vpc_only_public_subnets(resource, estate):
    if not _in_use(resource, estate):
        return passed()
    if not estate.by_type.get(("vpc", "route-table")):
        return not_evaluated("The region's route tables were not collected.")
    public = estate.cached("public-subnets", lambda: _public_subnets(estate))
    vpc_id = resource.configuration.get("VpcId")
    subnets = [
        s.configuration.get("SubnetId")
        for s in estate.subnets_of_vpc.get((resource.region, vpc_id), [])
    ]
    if subnets and all(public.get((resource.region, s)) for s in subnets):
        return failed(f"All {len(subnets)} subnets of VPC {resource.name} are public.")
    return passed()


@check(
    id="vpc-endpoint-service-untrusted-principals",
    title="Endpoint service that lets other accounts connect",
    service="vpc",
    resource_types=(("vpc", "vpc-endpoint-service"),),
    severity=Severity.HIGH,
    threat=Threat.NETWORK,
    rationale="Every principal allowed on an endpoint service can create an endpoint to "
    "it and reach the load balancer behind it from its own network; a wildcard lets any "
    "AWS account in.",
    console="VPC > Endpoint services > the service > Allow principals: remove * and the "
    "accounts that should not connect; keep acceptance required.",
    cli="aws ec2 modify-vpc-endpoint-service-permissions --service-id <id> "
    "--remove-allowed-principals <arn>",
    iso27001=("8.20", "5.15"),
    csf=("PR.AA-05", "PR.IR-01"),
    needs=("allowedPrincipals",),
)
def endpoint_service_principals(resource, estate):
    principals = resource.configuration.get("AllowedPrincipals")
    if principals is None:
        return not_evaluated("The service's allowed principals were not read.")
    others = []
    for principal in principals:
        account = "*" if principal == "*" else (principal.split(":")[4:5] or [principal])[0]
        if account != resource.account_id:
            others.append("everyone" if account == "*" else account)
    if others:
        return failed(f"Endpoint service {resource.name} admits {', '.join(sorted(set(others)))}.")
    return passed()


def _peer_routes(estate) -> dict[tuple[str, str], list[str]]:
    """{(region, peering connection id): the destinations routed through it}."""
    routes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for table in estate.by_type.get(("vpc", "route-table"), []):
        for route in as_list(table.configuration.get("Routes")):
            if route.get("VpcPeeringConnectionId"):
                destination = route.get("DestinationCidrBlock") or route.get(
                    "DestinationIpv6CidrBlock"
                )
                routes[(table.region, route["VpcPeeringConnectionId"])].append(destination)
    return routes


@check(
    id="vpc-peering-routes-too-broad",
    title="Peering connection routed to a whole VPC or the internet",
    service="vpc",
    resource_types=(("vpc", "vpc-peering-connection"),),
    severity=Severity.MEDIUM,
    threat=Threat.NETWORK,
    rationale="Routing a peer's whole address range (or 0.0.0.0/0) through a peering "
    "connection lets every subnet reach every subnet; least privilege routes only the "
    "subnets that must talk.",
    console="VPC > Route tables > the table > Routes > Edit: replace the route to the "
    "peer's whole CIDR with routes to the subnets that need it.",
    cli="aws ec2 replace-route --route-table-id <rt-id> --destination-cidr-block "
    "<subnet-cidr> --vpc-peering-connection-id <pcx-id>",
    iso27001=("8.20", "8.22"),
    csf=("PR.IR-01",),
    needs=(),
)
def peering_routes_too_broad(resource, estate):
    config = resource.configuration
    routes = estate.cached("peer-routes", lambda: _peer_routes(estate))
    whole = WORLD | {
        dig(config, side, "CidrBlock") for side in ("RequesterVpcInfo", "AccepterVpcInfo")
    }
    broad = sorted(
        {
            d
            for d in routes.get((resource.region, config.get("VpcPeeringConnectionId")), [])
            if d in whole
        }
    )
    if broad:
        return failed(f"Peering {resource.name} is routed to {', '.join(broad)}.")
    return passed()


@check(
    id="vpc-vpn-tunnel-down",
    title="Site-to-site VPN connection with a tunnel down",
    service="vpc",
    resource_types=(("vpc", "vpn-connection"),),
    severity=Severity.MEDIUM,
    threat=Threat.AVAILABILITY,
    rationale="Each VPN connection has two tunnels so that one can fail; with one down "
    "the link has no redundancy left, and with both down the site is cut off.",
    console="VPC > Site-to-Site VPN connections > the connection > Tunnel details: "
    "configure the second tunnel on the customer gateway device and check its status.",
    cli="aws ec2 describe-vpn-connections --vpn-connection-ids <vpn-id> "
    "--query 'VpnConnections[].VgwTelemetry'",
    iso27001=("8.14", "8.20"),
    csf=("PR.IR-03",),
    needs=(),
)
def vpn_tunnel_down(resource, estate):
    config = resource.configuration
    if config.get("State") in ("deleting", "deleted"):
        return passed()
    tunnels = as_list(config.get("VgwTelemetry"))
    if not tunnels:
        return not_evaluated("AWS reported no tunnel status for the connection.")
    down = [t.get("OutsideIpAddress", "?") for t in tunnels if t.get("Status") != "UP"]
    if down:
        return failed(f"VPN {resource.name}: tunnel {', '.join(down)} down.")
    return passed()
