"""How each field type of services/fields.py is stored: one column type per field type."""

import sqlalchemy as sa

from .base import UTCDateTime

ShortText = sa.String(200)
LongText = sa.Text()
Integer = sa.Integer()
Number: sa.Double[float] = sa.Double()  # floats, not Decimals
Flag = sa.Boolean()
Moment = UTCDateTime()
