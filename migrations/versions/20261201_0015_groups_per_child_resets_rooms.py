"""issue 11: per-child attendance and notes in groups, last log-in, password reset links, rooms kept by staff

Revision ID: 20261201_0015
Revises: 20261122_0014
Create Date: 2026-12-01 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0015'
down_revision = '20261122_0014'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both backends: a batch (copy and rename) of "rooms" on a populated SQLite database
    # would drop a table that sessions still reference, and the foreign keys refuse it.
    op.add_column('roster_entries', sa.Column('absence_reason', sa.String(length=40), nullable=True))
    op.add_column('roster_entries', sa.Column('note', sa.Text(), nullable=False, server_default=''))
    op.add_column('roster_entries', sa.Column('attendance_recorded_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('rooms', sa.Column('is_accessible', sa.Boolean(), nullable=False, server_default=sa.text('false')))
    op.add_column('rooms', sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.text('true')))
    op.create_table('password_resets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_resets_user_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_password_resets_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_resets')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_resets_token_hash'))
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
    op.drop_table('password_resets')
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_column('is_active')
        batch_op.drop_column('is_accessible')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_login_at')
    with op.batch_alter_table('roster_entries', schema=None) as batch_op:
        batch_op.drop_column('attendance_recorded_at')
        batch_op.drop_column('note')
        batch_op.drop_column('absence_reason')
