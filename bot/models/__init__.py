"""The fund's people and relationships: workers, contributors, employments, visits."""

from bot.models.contributor import Contributor
from bot.models.employment import Employment, EmploymentStatus
from bot.models.insurance import (
    ConsentStatus,
    CoverStatus,
    InsuranceConsent,
    InsuranceCover,
    InsuranceOffer,
)
from bot.models.message import (
    STATUS_RANK,
    ConversationRecord,
    DeliveryEvent,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    WhatsAppContent,
)
from bot.models.partner import (
    MatchingRule,
    MatchTally,
    Partner,
    PartnerConsent,
    PartnerContribution,
    PartnerKey,
    PartnerMoneyKind,
    PartnerRequest,
    PartnerWorker,
)
from bot.models.payout import (
    PAYOUT_METHODS,
    NumberMove,
    PayoutApproval,
    PayoutRecord,
    PayoutStatus,
)
from bot.models.payout_change import PayoutChangeState, PayoutMethodChange
from bot.models.person import Channel, ChannelConsent, Person, known_as
from bot.models.person_merge import MergeOutcome, PersonMerge
from bot.models.staff import StaffAccount
from bot.models.visit import Visit, VisitReporter, VisitStatus
from bot.models.worker import Worker, WorkerStatus

__all__ = [
    "PAYOUT_METHODS",
    "STATUS_RANK",
    "Channel",
    "ChannelConsent",
    "ConsentStatus",
    "Contributor",
    "ConversationRecord",
    "CoverStatus",
    "DeliveryEvent",
    "Employment",
    "EmploymentStatus",
    "InboundMessage",
    "InsuranceConsent",
    "InsuranceCover",
    "InsuranceOffer",
    "MatchTally",
    "MatchingRule",
    "MergeOutcome",
    "NumberMove",
    "OutboundMessage",
    "OutboundStatus",
    "Partner",
    "PartnerConsent",
    "PartnerContribution",
    "PartnerKey",
    "PartnerMoneyKind",
    "PartnerRequest",
    "PartnerWorker",
    "PayoutApproval",
    "PayoutChangeState",
    "PayoutMethodChange",
    "PayoutRecord",
    "PayoutStatus",
    "Person",
    "PersonMerge",
    "StaffAccount",
    "Visit",
    "VisitReporter",
    "VisitStatus",
    "WhatsAppContent",
    "Worker",
    "WorkerStatus",
    "known_as",
]
