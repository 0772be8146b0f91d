"""Registering and changing technicians, and choosing one for a visit, on the fake unit of
work: no database, no broker."""

from __future__ import annotations

import uuid

import pytest

from services.dispatch.use_cases import (
    choose_technician,
    register_technician,
    update_technician,
)
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.unit.dispatch.support import (
    ADMIN,
    EAST_MANAGER,
    START,
    make_uow,
    repair,
    technician,
)


def registration(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "name": "Wang Fang",
        "kind": "partner_workshop",
        "region": "east",
        "skills": ["Coating", " welding ", "coating", "Cathodic   Protection"],
        "active": True,
        "phone": "+86 139 0000 0000",
        "user_sub": "tech-wang",
    }
    return body | changes


# -- register ------------------------------------------------------------------------------------
def test_register_technician_stores_normalised_skills_and_commits() -> None:
    uow = make_uow()

    registered = register_technician(uow, technician_in=registration(), by=EAST_MANAGER)

    assert isinstance(registered.id, uuid.UUID)
    assert uow.technicians.get(registered.id) is registered
    assert registered.skills == ["cathodic protection", "coating", "welding"]
    assert (registered.name, registered.kind, registered.region) == (
        "Wang Fang",
        "partner_workshop",
        "east",
    )
    assert registered.active is True and registered.user_sub == "tech-wang"
    assert registered.phone == "+86 139 0000 0000" and registered.created_at == START
    assert uow.commits == 1 and uow.published() == []


def test_register_without_login_or_phone() -> None:
    uow = make_uow()
    body = {k: v for k, v in registration().items() if k not in ("user_sub", "phone")}

    registered = register_technician(uow, technician_in=body, by=ADMIN)

    assert registered.user_sub is None and registered.phone is None
    assert uow.commits == 1


def test_register_in_another_region_than_the_token_is_403_naming_region() -> None:
    uow = make_uow()

    with pytest.raises(Forbidden) as refused:
        register_technician(uow, technician_in=registration(region="north"), by=EAST_MANAGER)

    assert refused.value.status == 403
    assert refused.value.errors == {"region": ["outside the caller's region"]}
    assert refused.value.detail == "this token is limited to region east"
    assert uow.commits == 0 and list(uow.technicians.where(lambda t: True)) == []


def test_register_with_a_login_another_technician_holds_is_409() -> None:
    dong = technician("Dong")
    uow = make_uow(technicians=(dong,))

    with pytest.raises(Conflict) as refused:
        register_technician(uow, technician_in=registration(user_sub="tech-Dong"), by=ADMIN)

    assert refused.value.status == 409
    assert refused.value.errors == {"user_sub": ["already linked to another technician"]}
    assert refused.value.detail == "the login 'tech-Dong' already belongs to another technician"
    assert uow.commits == 0
    assert [t.name for t in uow.technicians.where(lambda t: True)] == ["Dong"]


def test_login_taken_meanwhile_is_found_when_saving_and_rolled_back() -> None:
    """A concurrent request took the login after the check: the write refuses it."""
    uow = make_uow(technicians=(technician("Dong"),))
    uow.technicians.login_holder = lambda _sub: None  # type: ignore[method-assign]

    with pytest.raises(Conflict) as refused:
        register_technician(uow, technician_in=registration(user_sub="tech-Dong"), by=ADMIN)

    assert refused.value.errors == {"user_sub": ["already linked to another technician"]}
    assert uow.rollbacks == 1 and uow.commits == 0


# -- update --------------------------------------------------------------------------------------
def test_update_technician_changes_only_what_is_given() -> None:
    dong = technician("Dong", skills=("coating", "welding"))
    uow = make_uow(technicians=(dong,))

    changed = update_technician(
        uow,
        technician_id=dong.id,
        changes={"active": False, "skills": [" Cathodic_Protection"], "phone": None},
        by=ADMIN,
    )

    assert changed is dong
    assert dong.active is False and dong.skills == ["cathodic_protection"]
    assert dong.phone is None and dong.name == "Dong" and dong.user_sub == "tech-Dong"
    assert uow.commits == 1 and uow.published() == []


def test_a_technician_may_keep_their_own_login_but_not_take_another() -> None:
    dong, bai = technician("Dong"), technician("Bai")
    uow = make_uow(technicians=(dong, bai))

    update_technician(uow, technician_id=dong.id, changes={"user_sub": "tech-Dong"}, by=ADMIN)
    with pytest.raises(Conflict):
        update_technician(uow, technician_id=dong.id, changes={"user_sub": "tech-Bai"}, by=ADMIN)
    update_technician(uow, technician_id=dong.id, changes={"user_sub": None}, by=ADMIN)

    assert dong.user_sub is None and bai.user_sub == "tech-Bai"
    assert uow.commits == 2


def test_technician_outside_the_callers_region_is_404() -> None:
    bei = technician("Bei", region="north")
    uow = make_uow(technicians=(bei,))

    with pytest.raises(NotFound) as hidden:
        update_technician(uow, technician_id=bei.id, changes={"name": "X"}, by=EAST_MANAGER)
    unknown = uuid.uuid4()
    with pytest.raises(NotFound) as absent:
        update_technician(uow, technician_id=unknown, changes={"name": "X"}, by=ADMIN)

    assert hidden.value.status == 404 and hidden.value.detail == f"no technician {bei.id}"
    assert absent.value.detail == f"no technician {unknown}"
    assert bei.name == "Bei" and uow.commits == 0


# -- choose --------------------------------------------------------------------------------------
def test_named_technician_who_fits_is_taken_as_named() -> None:
    dong = technician("Dong")
    work_order = repair()
    uow = make_uow(technicians=(dong,), work_orders=(work_order,))

    assert choose_technician(uow, work_order=work_order, named=dong.id) == (dong, False)


def test_named_technician_who_does_not_fit_is_422_with_every_reason() -> None:
    zhou = technician("Zhou", region="north", skills=("welding",), active=False)
    work_order = repair(required_skill="coating")
    uow = make_uow(technicians=(zhou,), work_orders=(work_order,))

    with pytest.raises(InvalidInput) as refused:
        choose_technician(uow, work_order=work_order, named=zhou.id)

    assert refused.value.status == 422
    assert refused.value.detail == "the named technician cannot take this visit"
    assert refused.value.errors == {
        "technician_id": [
            "technician is not active",
            "technician does not work in this work order's region",
            "technician lacks the skill coating",
        ]
    }


def test_unknown_named_technician_is_422() -> None:
    work_order = repair()
    uow = make_uow(work_orders=(work_order,))
    unknown = uuid.uuid4()

    with pytest.raises(InvalidInput) as refused:
        choose_technician(uow, work_order=work_order, named=unknown)

    assert refused.value.errors == {"technician_id": ["no such technician"]}
    assert refused.value.detail == f"no technician {unknown}"


def test_automatic_choice_is_the_fitting_technician_with_least_open_work() -> None:
    bai, dong = technician("Bai"), technician("Dong")
    others = (
        technician("Ai", region="north"),
        technician("An", skills=("welding",)),
        technician("Ao", active=False),
    )
    busy = repair(status="scheduled", technician_id=bai.id)
    done = repair(status="accepted", technician_id=dong.id)  # finished work is not open
    work_order = repair()
    uow = make_uow(technicians=(bai, dong, *others), work_orders=(busy, done, work_order))

    assert choose_technician(uow, work_order=work_order, named=None) == (dong, True)
    dong_busy = repair(status="awaiting_acceptance", technician_id=dong.id)
    uow.work_orders.add(dong_busy)
    # One open each: the name decides.
    assert choose_technician(uow, work_order=work_order, named=None) == (bai, True)


def test_the_work_order_being_moved_does_not_count_against_its_technician() -> None:
    bai, dong = technician("Bai"), technician("Dong")
    moving = repair(status="scheduled", technician_id=dong.id)
    other = repair(status="in_progress", technician_id=bai.id)
    uow = make_uow(technicians=(bai, dong), work_orders=(moving, other))

    assert choose_technician(uow, work_order=moving, named=None) == (dong, True)


def test_same_name_and_load_is_decided_by_id() -> None:
    twins = (technician("Wang", login=None), technician("Wang", login=None))
    work_order = repair()
    uow = make_uow(technicians=twins, work_orders=(work_order,))

    chosen, auto = choose_technician(uow, work_order=work_order, named=None)

    assert chosen.id == min(t.id for t in twins) and auto is True


def test_a_work_order_needing_no_skill_takes_anyone_of_the_region() -> None:
    welder = technician("Sun", skills=("welding",))
    work_order = repair(required_skill=None)
    uow = make_uow(technicians=(welder,), work_orders=(work_order,))

    assert choose_technician(uow, work_order=work_order, named=None) == (welder, True)


def test_nobody_fits_is_409_asking_for_a_name() -> None:
    east = technician("Dong")
    welder = technician("Sun", region="south", skills=("welding",))
    work_order = repair(region="south", required_skill="coating")
    uow = make_uow(technicians=(east, welder), work_orders=(work_order,))

    with pytest.raises(Conflict) as refused:
        choose_technician(uow, work_order=work_order, named=None)

    assert refused.value.detail == (
        "no active technician in region south with the skill coating can take this visit; "
        "name one or add one to the roster"
    )
    assert refused.value.errors == {"technician_id": ["nobody fits: name a technician"]}
