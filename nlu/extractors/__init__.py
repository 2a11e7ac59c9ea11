"""Entity extractors for UK business-crime messages. Each returns ``Span`` objects with
character offsets into the original text; ``extract_entities`` runs them all."""

from .combined import PRIORITY, extract_entities
from .contacts import find_emails, find_phone_numbers, find_urls, normalise_email, normalise_phone
from .crime_types import Gazetteer, crime_type_codes, find_crime_types
from .datetimes import find_datetimes, parse_when
from .money import find_money
from .postcodes import find_postcodes, normalise_postcode
from .references import find_references
from .span import Span, When
from .vehicles import find_vehicle_registrations, normalise_vehicle_registration

__all__ = [
    "Gazetteer", "PRIORITY", "Span", "When", "crime_type_codes", "extract_entities", "find_crime_types",
    "find_datetimes", "find_emails", "find_money", "find_phone_numbers", "find_postcodes", "find_references",
    "find_urls", "find_vehicle_registrations", "normalise_email", "normalise_phone", "normalise_postcode",
    "normalise_vehicle_registration", "parse_when",
]
