"""support's REST API: thin routes over the use cases and queries, one blueprint per part.

Roles: agents request training for customers and create questionnaires; managers and admin
plan, schedule, hold and cancel sessions and record qualifications; dispatchers, engineers
and technicians read sessions and qualifications (dispatch's people). A region-limited
token sees and acts in its own region only. The questionnaire answer is open: its one-time
link is the credential.
"""

from services.support.routes.qualifications import people, qualifications
from services.support.routes.questionnaires import answers, questionnaires
from services.support.routes.training import training

BLUEPRINTS = [training, qualifications, people, questionnaires, answers]

__all__ = ["BLUEPRINTS"]
