"""qualkit's recognizers, each a small Presidio recognizer class, behind a registry.

``RECOGNIZERS`` maps a name to a factory taking a :class:`RecognizerContext`;
``RANKS`` says how reliable each is when detections overlap (lower wins).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from presidio_analyzer import EntityRecognizer

from qualkit.deid.recognizers.base import QualkitRecognizer, RecognizerContext
from qualkit.deid.recognizers.contact import (
    AnyDomainEmailRecognizer,
    AnyDomainUrlRecognizer,
    SpokenEmailRecognizer,
)
from qualkit.deid.recognizers.names import (
    AppositiveNameRecognizer,
    DenyListRecognizer,
    InitialsRecognizer,
    IntroducedNameRecognizer,
    KinshipNameRecognizer,
    LowercaseNameRecognizer,
    NicknameRecognizer,
    SignOffRecognizer,
    SpeakerLabelRecognizer,
    SpeltOutRecognizer,
    TitleNameRecognizer,
    UnknownCapitalisedRecognizer,
    VocativeRecognizer,
)
from qualkit.deid.recognizers.numbers import (
    AgeRecognizer,
    CalendarDateRecognizer,
    OtherLanguageDateRecognizer,
    SocialHandleRecognizer,
)
from qualkit.deid.recognizers.organisations import (
    CalledRecognizer,
    CapitalisedPhraseRecognizer,
    FirmRecognizer,
    GlossedNameRecognizer,
    HospitalInitialsRecognizer,
    HouseNameRecognizer,
    KindFirstOrganisationRecognizer,
    LowerNamedOrganisationRecognizer,
    NamedOrganisationRecognizer,
    PrisonRecognizer,
    WardRecognizer,
    WelshOrganisationRecognizer,
    WorkplaceRecognizer,
)
from qualkit.deid.recognizers.places import (
    AddressLinesRecognizer,
    BuildingRecognizer,
    EstateRecognizer,
    SplitPlaceRecognizer,
    StreetRecognizer,
)
from qualkit.deid.recognizers.uk import (
    CaseReferenceRecognizer,
    QualkitNhsRecognizer,
    QualkitUkNinoRecognizer,
    QualkitUkPostcodeRecognizer,
    SpokenNinoRecognizer,
    SpokenPhoneRecognizer,
    SpokenPostcodeRecognizer,
    SpokenReferenceRecognizer,
    UkPhoneRecognizer,
)

Factory = Callable[[RecognizerContext], EntityRecognizer]

RECOGNIZERS: dict[str, Factory] = {}
RANKS: dict[str, int] = {}

# Presidio's own recognizers that the ones above replace (kept out of the analyzer).
REPLACED_PRESIDIO: frozenset[str] = frozenset(
    {
        "PhoneRecognizer",
        "DateRecognizer",
        "NhsRecognizer",
        "UkNinoRecognizer",
        "UkPostcodeRecognizer",
        "MedicalLicenseRecognizer",
        "UkDrivingLicenceRecognizer",
        "UkPassportRecognizer",
        "UkVehicleRegistrationRecognizer",
    }
)
# Ranks for Presidio's recognizers that stay.
PRESIDIO_RANKS: dict[str, int] = {
    "EmailRecognizer": 8,
    "UrlRecognizer": 9,
    "IbanRecognizer": 10,
    "CreditCardRecognizer": 10,
    "IpRecognizer": 10,
    "CryptoRecognizer": 10,
    "SpacyRecognizer": 38,
}


def register(name: str, factory: Factory, rank: int) -> None:
    """Add (or replace) a recognizer in the registry."""
    RECOGNIZERS[name] = factory
    RANKS[name] = rank


for _cls in (
    DenyListRecognizer,
    UkPhoneRecognizer,
    SpokenPhoneRecognizer,
    SpokenPostcodeRecognizer,
    SpokenNinoRecognizer,
    CaseReferenceRecognizer,
    SpokenReferenceRecognizer,
    QualkitNhsRecognizer,
    AnyDomainEmailRecognizer,
    AnyDomainUrlRecognizer,
    SpokenEmailRecognizer,
    SocialHandleRecognizer,
    PrisonRecognizer,
    SpeakerLabelRecognizer,
    StreetRecognizer,
    AddressLinesRecognizer,
    EstateRecognizer,
    BuildingRecognizer,
    SplitPlaceRecognizer,
    NamedOrganisationRecognizer,
    LowerNamedOrganisationRecognizer,
    HouseNameRecognizer,
    WelshOrganisationRecognizer,
    KindFirstOrganisationRecognizer,
    WardRecognizer,
    HospitalInitialsRecognizer,
    CalledRecognizer,
    AgeRecognizer,
    CalendarDateRecognizer,
    OtherLanguageDateRecognizer,
    NicknameRecognizer,
    SpeltOutRecognizer,
    TitleNameRecognizer,
    KinshipNameRecognizer,
    IntroducedNameRecognizer,
    AppositiveNameRecognizer,
    VocativeRecognizer,
    SignOffRecognizer,
    InitialsRecognizer,
    WorkplaceRecognizer,
    FirmRecognizer,
    GlossedNameRecognizer,
    LowercaseNameRecognizer,
    UnknownCapitalisedRecognizer,
    CapitalisedPhraseRecognizer,
):
    register(_cls.__name__, _cls, _cls.RANK)

register("QualkitUkPostcodeRecognizer", QualkitUkPostcodeRecognizer, 10)
register("QualkitUkNinoRecognizer", QualkitUkNinoRecognizer, 8)


def build_recognizers(
    context: RecognizerContext, names: Iterable[str] | None = None
) -> list[EntityRecognizer]:
    """Instantiate the named recognizers (all registered ones by default)."""
    chosen = list(RECOGNIZERS) if names is None else list(names)
    unknown = [n for n in chosen if n not in RECOGNIZERS]
    if unknown:
        raise KeyError(f"unknown recognizer(s): {', '.join(unknown)}")
    return [RECOGNIZERS[n](context) for n in chosen]


def rank_of(recognizer_name: str) -> int:
    return RANKS.get(recognizer_name, PRESIDIO_RANKS.get(recognizer_name, 50))


__all__ = [
    "PRESIDIO_RANKS",
    "RANKS",
    "RECOGNIZERS",
    "REPLACED_PRESIDIO",
    "QualkitRecognizer",
    "RecognizerContext",
    "build_recognizers",
    "rank_of",
    "register",
]
