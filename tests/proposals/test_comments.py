"""Comments: verified residents, one level of replies, 15 minutes to edit, paging with and without htmx."""
from datetime import timedelta

from sqlalchemy import select

from neighbourhood.notifications.models import Notification
from neighbourhood.proposals.models import Comment
from tests import factories
from tests.accounts.helpers import english, page
from tests.proposals.helpers import shown as text


def make_proposal(session, world):
    proposal = factories.proposal(session, world.compound, world.users["resident"])
    session.commit()
    return proposal


def test_a_resident_comments_without_javascript(client_as, session, world):
    proposal = make_proposal(session, world)
    client = english(client_as("owner"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "好主意\n第二行"})
    comment = session.scalar(select(Comment))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}#comment-{comment.id}")
    assert (comment.subject_type, comment.subject_id, comment.compound_id) == ("proposal", proposal.id,
                                                                               world.compound.id)
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "Your comment is posted." in html and "好主意\n第二行" in html and "3栋 王先生" in html
    assert f'id="comment-{comment.id}"' in html


def test_empty_or_too_long_comments_come_back_with_a_message(client_as, session, world):
    proposal = make_proposal(session, world)
    client = english(client_as("owner"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "   "})
    assert response.status_code == 200 and "Write something first." in text(response)
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "长" * 2001})
    assert response.status_code == 200 and "at most 2000 characters" in text(response)
    assert page(response).values["body"].strip() == "长" * 2001
    assert session.scalar(select(Comment)) is None
    # htmx gets only the form back, with the message.
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": ""}, headers={"HX-Request": "true"})
    html = text(response)
    assert html.lstrip().startswith('<form method="post"') and "Write something first." in html


def test_htmx_posts_a_comment_in_place(client_as, session, world):
    proposal = make_proposal(session, world)
    client = english(client_as("owner"))
    response = client.post(f"/proposals/{proposal.id}/comments", data={"body": "同意"}, headers={"HX-Request": "true"})
    html = text(response)
    comment = session.scalar(select(Comment))
    assert 'id="comment-form-new"' in html and 'hx-swap-oob="afterbegin:#comment-list"' in html
    assert f'id="comment-{comment.id}"' in html and "<html" not in html
    assert 'id="comment-list"' in text(client.get(f"/proposals/{proposal.id}"))


def test_replies_are_one_level_deep_and_tell_the_parent_author(client_as, session, world):
    proposal = make_proposal(session, world)
    top = factories.proposal_comment(session, proposal, world.users["owner"])
    session.commit()
    client = english(client_as("council"))
    client.post(f"/proposals/{proposal.id}/comments", data={"body": "回复一下", "parent_id": top.id})
    reply = session.scalar(select(Comment).where(Comment.parent_id.is_not(None)))
    assert reply.parent_id == top.id
    # A reply to the reply joins the top comment.
    english(client_as("owner")).post(f"/proposals/{proposal.id}/comments",
                                     data={"body": "谢谢", "parent_id": reply.id})
    second = session.scalar(select(Comment).where(Comment.body == "谢谢"))
    assert second.parent_id == top.id
    notes = session.scalars(select(Notification).order_by(Notification.id)).all()
    # The owner is told of the council member's reply; nobody is told of their own.
    assert [(n.user_id, n.kind) for n in notes] == [(world.users["owner"].id, "comment.reply")]
    assert notes[0].url == f"/proposals/{proposal.id}#comment-{reply.id}"
    assert notes[0].params == {"name": "3栋 张老师", "title": proposal.title}
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert html.index("回复一下") < html.index("谢谢")
    assert f'id="replies-{top.id}"' in html


def test_a_reply_to_another_proposals_comment_is_refused(client_as, session, world):
    proposal = make_proposal(session, world)
    elsewhere = factories.proposal(session, world.compound, world.users["owner"])
    foreign = factories.proposal_comment(session, elsewhere, world.users["owner"])
    session.commit()
    response = english(client_as("council")).post(f"/proposals/{proposal.id}/comments",
                                                  data={"body": "hi", "parent_id": foreign.id})
    assert response.status_code == 200 and "no longer here" in text(response)
    assert session.scalar(select(Comment).where(Comment.body == "hi")) is None


def test_only_verified_residents_of_the_compound_comment(client_as, session, world):
    proposal = make_proposal(session, world)
    for role in ("unverified", "enterprise", "station", "other_council"):
        assert client_as(role).post(f"/proposals/{proposal.id}/comments", data={"body": "x"}).status_code == 403
    html = text(english(client_as("station")).get(f"/proposals/{proposal.id}"))
    assert "Add a comment" not in html and "No comments yet." in html


def test_comments_are_editable_for_15_minutes(client_as, session, world):
    proposal = make_proposal(session, world)
    comment = factories.proposal_comment(session, proposal, world.users["owner"], body="原来的")
    session.commit()
    client = english(client_as("owner"))
    assert f"/comments/{comment.id}/edit" in text(client.get(f"/proposals/{proposal.id}"))
    assert page(client.get(f"/comments/{comment.id}/edit")).values["body"].strip() == "原来的"
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "改过的"})
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}#comment-{comment.id}")
    session.expire_all()
    assert comment.body == "改过的" and comment.edited_at is not None
    assert "edited" in text(client.get(f"/proposals/{proposal.id}"))
    # Sixteen minutes later: refused with a clear message, nothing changed, no edit link.
    comment.created_at -= timedelta(minutes=16)
    session.commit()
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "再改"})
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    assert "only in the first 15 minutes" in html and f"/comments/{comment.id}/edit" not in html
    session.expire_all()
    assert comment.body == "改过的"
    assert client.get(f"/comments/{comment.id}/edit").status_code == 302


def test_only_the_author_edits_a_comment(client_as, session, world):
    proposal = make_proposal(session, world)
    comment = factories.proposal_comment(session, proposal, world.users["owner"])
    session.commit()
    for role in ("resident", "council", "supervisor", "station"):
        assert client_as(role).post(f"/comments/{comment.id}/edit", data={"body": "x"}).status_code == 403
    assert client_as("owner").post(f"/comments/{comment.id}/edit", data={"body": " "}).status_code == 200


def test_top_comments_page_by_20_with_and_without_htmx(client_as, session, world):
    proposal = make_proposal(session, world)
    for i in range(45):
        factories.proposal_comment(session, proposal, world.users["owner"], body=f"评论{i:02d}")
    session.commit()
    client = english(client_as("council"))
    html = text(client.get(f"/proposals/{proposal.id}"))
    assert "评论44" in html and "评论25" in html and "评论24" not in html
    assert f'href="/proposals/{proposal.id}?comments=2#comments"' in html
    # No JS: the link opens the page with the next 20.
    html = text(client.get(f"/proposals/{proposal.id}?comments=2"))
    assert "评论24" in html and "评论05" in html and "评论44" not in html and "<html" in html
    # htmx: only the next page's fragment, which carries the link to the one after.
    html = text(client.get(f"/proposals/{proposal.id}?comments=3", headers={"HX-Request": "true"}))
    assert html.lstrip().startswith('<div class="comments-page" id="comments-page-3">')
    assert "评论04" in html and "评论00" in html and "评论05" not in html and "comments=4" not in html
