"""The proposal list: the user's compound, stages, categories, sorting, Chinese search, paging."""
from datetime import timedelta

from neighbourhood.db import utcnow
from neighbourhood.proposals.models import ProposalStatus
from tests import factories
from tests.accounts.helpers import english
from tests.proposals.helpers import shown as text


def titles(html: str, candidates) -> list[str]:
    found = [(html.index(t), t) for t in candidates if t in html]
    return [t for _, t in sorted(found)]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/proposals/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_list_shows_the_users_compound_with_stage_and_progress(client_as, session, world):
    factories.proposal(session, world.compound, world.users["resident"], title="加装路灯",
                       supporters=[world.users["owner"], world.users["council"]])
    factories.proposal(session, world.other_compound, world.users["other_council"], title="别的小区的提议")
    session.commit()
    html = text(english(client_as("owner")).get("/proposals/"))
    assert "加装路灯" in html and "别的小区的提议" not in html
    assert "3栋 李阿姨" in html and "Repairs and facilities" in html and "Gathering support" in html
    assert '<progress max="10" value="2"' in html and "2 supports / 10" in html
    assert "Make a proposal" in html
    # Anyone signed in may read another compound's list, but not propose there.
    html = text(english(client_as("owner")).get(f"/proposals/?compound={world.other_compound.id}"))
    assert "别的小区的提议" in html and "加装路灯" not in html and "Make a proposal" not in html
    assert client_as("owner").get("/proposals/?compound=999").status_code == 404


def test_someone_without_a_compound_is_told_how_to_join(client_as):
    html = text(english(client_as("unverified")).get("/proposals/"))
    assert "Join a household" in html


def test_stage_and_category_filters(client_as, session, world):
    author = world.users["resident"]
    factories.proposal(session, world.compound, author, title="开放的")
    factories.proposal(session, world.compound, author, title="议程上的", status=ProposalStatus.QUALIFIED)
    factories.proposal(session, world.compound, author, title="已采纳的", status=ProposalStatus.ADOPTED,
                       category="greenery")
    factories.proposal(session, world.compound, author, title="已否决的", status=ProposalStatus.REJECTED)
    factories.proposal(session, world.compound, author, title="撤回的", status=ProposalStatus.WITHDRAWN)
    session.commit()
    client = client_as("owner")
    everything = ["开放的", "议程上的", "已采纳的", "已否决的", "撤回的"]
    assert set(titles(text(client.get("/proposals/")), everything)) == set(everything)
    assert titles(text(client.get("/proposals/?stage=open")), everything) == ["开放的"]
    assert titles(text(client.get("/proposals/?stage=agenda")), everything) == ["议程上的"]
    assert set(titles(text(client.get("/proposals/?stage=decided")), everything)) == {"已采纳的", "已否决的"}
    assert titles(text(client.get("/proposals/?stage=withdrawn")), everything) == ["撤回的"]
    assert titles(text(client.get("/proposals/?category=greenery")), everything) == ["已采纳的"]
    assert set(titles(text(client.get("/proposals/?stage=nonsense")), everything)) == set(everything)


def test_sorting_newest_and_most_supported(client_as, session, world):
    now = utcnow()
    neighbours = [world.users[r] for r in ("owner", "council", "supervisor")]
    factories.proposal(session, world.compound, world.users["resident"], title="最旧但最多支持",
                       created_at=now - timedelta(days=3), supporters=neighbours)
    factories.proposal(session, world.compound, world.users["resident"], title="最新的",
                       created_at=now, supporters=neighbours[:1])
    factories.proposal(session, world.compound, world.users["resident"], title="中间的",
                       created_at=now - timedelta(days=1), supporters=neighbours[:2])
    session.commit()
    client = client_as("owner")
    names = ["最旧但最多支持", "最新的", "中间的"]
    assert titles(text(client.get("/proposals/")), names) == ["最新的", "中间的", "最旧但最多支持"]
    assert titles(text(client.get("/proposals/?sort=supported")), names) == ["最旧但最多支持", "中间的", "最新的"]


def test_search_finds_chinese_substrings_and_escapes_wildcards(client_as, session, world):
    author = world.users["resident"]
    factories.proposal(session, world.compound, author, title="3栋门口路灯坏了要修")
    factories.proposal(session, world.compound, author, title="增加充电桩", body="电动车充电难，路灯也暗")
    factories.proposal(session, world.compound, author, title="打折100%优惠")
    factories.proposal(session, world.compound, author, title="健身器材_更新")
    session.commit()
    client = client_as("owner")
    names = ["3栋门口路灯坏了要修", "增加充电桩", "打折100%优惠", "健身器材_更新"]
    assert set(titles(text(client.get("/proposals/?q=路灯")), names)) == {"3栋门口路灯坏了要修", "增加充电桩"}
    assert titles(text(client.get("/proposals/?q=%25")), names) == ["打折100%优惠"]
    assert titles(text(client.get("/proposals/?q=_")), names) == ["健身器材_更新"]
    html = text(english(client).get("/proposals/?q=没有这个"))
    assert "No proposals match" in html


def test_twenty_per_page_with_htmx_more_and_without_js(client_as, session, world):
    now = utcnow()
    for i in range(45):
        factories.proposal(session, world.compound, world.users["resident"], title=f"提议{i:02d}号",
                           created_at=now - timedelta(minutes=i))
    session.commit()
    client = english(client_as("owner"))
    html = text(client.get("/proposals/?sort=newest&stage=open"))
    assert "提议00号" in html and "提议19号" in html and "提议20号" not in html
    more = f"/proposals/?compound={world.compound.id}&page=2&stage=open"
    assert f'href="{more}"' in html and f'hx-get="{more}"' in html
    fragment = text(client.get(more, headers={"HX-Request": "true"}))
    assert fragment.lstrip().startswith('<div class="list-page" id="proposals-page-2">')
    assert "提议20号" in fragment and "提议39号" in fragment and "提议19号" not in fragment
    assert "page=3" in fragment and "<html" not in fragment
    html = text(client.get(f"/proposals/?compound={world.compound.id}&page=3&stage=open"))
    assert "<html" in html and "提议44号" in html and "page=4" not in html and "Back to the first page" in html


def test_hidden_proposals_are_left_out_except_for_those_who_may_see_them(client_as, session, world):
    factories.proposal(session, world.compound, world.users["resident"], title="被隐藏的提议",
                       hidden_at=utcnow(), hidden_reason="spam")
    session.commit()
    assert "被隐藏的提议" not in text(client_as("owner").get("/proposals/"))
    assert "被隐藏的提议" not in text(client_as("council").get("/proposals/"))
    for role in ("resident", "supervisor", "station"):
        html = text(english(client_as(role)).get(f"/proposals/?compound={world.compound.id}"))
        assert "被隐藏的提议" in html and "Hidden" in html, role
