"""Extension points of the students app (:mod:`manabi.core.extensions`): what the apps above it
(attendance) add to the students app's work without the students app importing them."""

# Called inside the 転出's transaction, after the enrolment has ended: actor, student and
# school_id (the school the pupil leaves).
TRANSFER_RECORDED = "students.transfer_recorded"
