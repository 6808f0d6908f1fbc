"""jobs: files made by jobs kept in the database

Revision ID: 20261201_0023
Revises: 20261201_0022
Create Date: 2026-12-01 22:31:10.214810

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261201_0023'
down_revision = '20261201_0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('job_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=80), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_files')),
    sa.UniqueConstraint('name', name=op.f('uq_job_files_name'))
    )
    with op.batch_alter_table('job_files', schema=None) as batch_op:
        batch_op.create_index('ix_job_files_job_language', ['job_id', 'language', 'written_at'], unique=False)



def downgrade():
    with op.batch_alter_table('job_files', schema=None) as batch_op:
        batch_op.drop_index('ix_job_files_job_language')

    op.drop_table('job_files')
