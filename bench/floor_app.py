"""The floor for the referral POST: the simplest endpoint that stores the same referral (child, caregiver and
referral rows from a JSON body) in one INSERT statement and a commit, with no log-in, checks or audit trail. The
bench serves it with the same gunicorn settings as the product and drives both with the same load."""
import os

from flask import Flask, jsonify, request
from sqlalchemy import create_engine, text

app = Flask(__name__)
engine = create_engine(os.environ["DATABASE_URL"], pool_size=4, pool_pre_ping=False)
INSERT = text("""
    WITH child AS (
        INSERT INTO children (iin, last_name, first_name, patronymic, search_name, birth_on, sex, address, district,
                              created_at)
        VALUES (:iin, :last_name, :first_name, '', :search_name, :birth_on, :sex, :address, '', now())
        RETURNING id),
    caregiver AS (
        INSERT INTO caregivers (child_id, full_name, relation, phone, preferred_language)
        SELECT id, :caregiver, 'mother', :phone, 'kk' FROM child
        RETURNING id, child_id)
    INSERT INTO referrals (child_id, caregiver_id, center_id, pediatrician_id, referred_on, submitted_at, status,
                           is_open, priority, notes, consent_given_by, consent_given_on, decision_reason)
    SELECT caregiver.child_id, caregiver.id, (SELECT id FROM centers WHERE code = :center), :pediatrician,
           current_date, now(), 'submitted', true, 0, '', :consent_by, current_date, ''
    FROM caregiver
    RETURNING id""")


@app.post("/floor/referrals")
def create():
    body = request.get_json()
    child, caregiver = body["child"], body["caregiver"]
    with engine.begin() as conn:
        referral_id = conn.execute(INSERT, {
            "iin": child["iin"], "last_name": child["last_name"], "first_name": child["first_name"],
            "search_name": f"{child['last_name']} {child['first_name']}".lower(),
            "birth_on": child["birth_date"], "sex": child["sex"], "address": child["address"],
            "caregiver": caregiver["full_name"], "consent_by": body["consent"]["given_by"],
            "phone": caregiver["phone"], "center": body["center_code"],
            "pediatrician": int(os.environ["EIC_FLOOR_PEDIATRICIAN"])}).scalar_one()
    return jsonify(id=referral_id), 201


@app.get("/healthz")
def healthz():
    return "ok"
