"""therapy: an index of caregivers' peer-group sessions by time, for the national figures

Revision ID: 20261207_0026
Revises: 20261201_0025
Create Date: 2026-12-07 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207_0026'
down_revision = '20261201_0025'
branch_labels = None
depends_on = None

WHERE = "audience = 'caregiver' AND capacity IS NOT NULL"


def upgrade():
    op.create_index('ix_therapy_sessions_peer_groups', 'therapy_sessions', ['starts_at'], unique=False,
                    postgresql_where=sa.text(WHERE), sqlite_where=sa.text(WHERE))


def downgrade():
    op.drop_index('ix_therapy_sessions_peer_groups', table_name='therapy_sessions')
