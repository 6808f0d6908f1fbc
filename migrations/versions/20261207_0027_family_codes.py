"""family: caregivers log in with a code sent to their phone (users.phone, family_codes)

Revision ID: 20261207_0027
Revises: 20261207_0026
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '20261207_0027'
down_revision = '20261207_0026'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN and a unique index: a batch copy of users would have to drop a table that every other table
    # points to, which SQLite refuses once there are rows.
    op.add_column('users', sa.Column('phone', sa.String(length=16), nullable=True))
    op.create_index('uq_users_phone', 'users', ['phone'], unique=True)
    op.create_table(
        'family_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=16), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tries', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_family_codes_phone_created', 'family_codes', ['phone', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_family_codes_phone_created', table_name='family_codes')
    op.drop_table('family_codes')
    op.drop_index('uq_users_phone', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone')
