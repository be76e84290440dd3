"""Database models, one module per concept."""

from climate_plugin.models.api_token import ApiToken as ApiToken
from climate_plugin.models.assessment import Assessment
from climate_plugin.models.audit_entry import AuditEntry as AuditEntry
from climate_plugin.models.badge_award import BadgeAward as BadgeAward
from climate_plugin.models.checklist_template import ChecklistTemplate as ChecklistTemplate
from climate_plugin.models.commitment import Commitment as Commitment
from climate_plugin.models.connector import Connector
from climate_plugin.models.delivery import Delivery
from climate_plugin.models.follow_up import FollowUp as FollowUp
from climate_plugin.models.item import AgendaItem
from climate_plugin.models.measure import Measure as Measure
from climate_plugin.models.measure_link import MeasureLink as MeasureLink
from climate_plugin.models.municipality import Municipality
from climate_plugin.models.region import Region as Region
from climate_plugin.models.region_checklist_template import RegionChecklistTemplate as RegionChecklistTemplate
from climate_plugin.models.review import Review as Review
from climate_plugin.models.solution import Solution as Solution
from climate_plugin.models.solution_comment import SolutionComment as SolutionComment
from climate_plugin.models.solution_support import SolutionSupport as SolutionSupport
from climate_plugin.models.team import Team as Team
from climate_plugin.models.team_badge_award import TeamBadgeAward as TeamBadgeAward
from climate_plugin.models.team_challenge import TeamChallenge as TeamChallenge
from climate_plugin.models.team_member import TeamMember as TeamMember
from climate_plugin.models.team_notice import TeamNotice as TeamNotice
from climate_plugin.models.user import User as User
from climate_plugin.models.write_back import WriteBack

__all__ = ["AgendaItem", "Assessment", "Connector", "Delivery", "Municipality", "WriteBack"]
