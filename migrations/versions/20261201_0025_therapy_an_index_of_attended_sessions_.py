"""therapy: an index of attended sessions by time, for national figures

Revision ID: 20261201_0025
Revises: 20261201_0024
Create Date: 2026-12-01 23:16:24.851585

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0025'
down_revision = '20261201_0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_therapy_sessions_attended_time', ['starts_at'], unique=False, postgresql_where=sa.text("attendance = 'attended'"), sqlite_where=sa.text("attendance = 'attended'"))



def downgrade():
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_therapy_sessions_attended_time', postgresql_where=sa.text("attendance = 'attended'"), sqlite_where=sa.text("attendance = 'attended'"))

