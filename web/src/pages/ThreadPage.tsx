// A thread: title, body, reactions, and the comment tree with reply, edit (with history), delete
// and report; for questions the accepted answer highlighted (and, for the asker, marked); a poll's
// voting and results, an event's RSVP. Managers pin, lock, remove and restore here too.
import { useRoute } from 'preact-iso';
import { useCallback, useEffect, useState } from 'preact/hooks';

import type { Comment, Community, Reactions, Thread, ThreadWithComments } from '../api';
import { communityPath, personName } from '../components/community';
import { MarkdownField } from '../components/Markdown';
import { EventView, PollView } from '../components/PollEvent';
import { Page } from '../components/page';
import { ReactionBar } from '../components/Reactions';
import { ThreadBadges } from '../components/ThreadList';
import { ErrorState, FormActions, InlineError, Loaded, Loading, useErrorText } from '../components/states';
import { useFocusRefresh } from '../hooks/useFocusRefresh';
import { useLoad } from '../hooks/useLoad';
import { useI18n } from '../i18n';
import { useApp, useSession } from '../session';

type Post = Thread | Comment;

interface Ctx {
  me: string | null;
  canManage: boolean;
  canReply: boolean;
  isMember: boolean;
  thread: Thread;
  now?: Date;
  reload(): void;
  // The thread as an action answered it (a vote, an RSVP), keeping the comments.
  update(thread: Thread): void;
}

export function ThreadPage(props: { id?: string; now?: Date }) {
  const { params } = useRoute();
  const id = props.id ?? params?.id ?? '';
  const { t } = useI18n();
  const { api } = useApp();
  const session = useSession();
  const [state, setState] = useState<
    | { phase: 'loading' }
    | { phase: 'error'; error: unknown }
    | { phase: 'ready'; thread: ThreadWithComments; community: Community | null }
  >({ phase: 'loading' });

  const load = useCallback(
    (quiet = false) => {
      if (!quiet) setState({ phase: 'loading' });
      api.community.thread(id).then(
        async (thread) => {
          const community = await api.community.community(thread.community.id).catch(() => null);
          setState({ phase: 'ready', thread, community });
          if (thread.read?.unread) api.community.markRead(thread.id).catch(() => {});
        },
        (error) => setState({ phase: 'error', error }),
      );
    },
    [api, id],
  );
  useEffect(() => load(), [load]);
  useFocusRefresh(() => load(true));

  if (state.phase !== 'ready')
    return (
      <Page title={t('thread.title')}>
        {state.phase === 'loading' ? <Loading /> : <ErrorState error={state.error} onRetry={() => load()} />}
      </Page>
    );
  const th = state.thread;
  const isMember = state.community?.me?.membership === 'member';
  const ctx: Ctx = {
    me: session?.account.id ?? null,
    canManage: state.community?.me?.can_manage ?? false,
    canReply: !th.locked && !th.deleted && (isMember || (state.community?.me?.can_manage ?? false)),
    isMember,
    thread: th,
    now: props.now,
    reload: () => load(true),
    update: (thread) => setState((s) => (s.phase === 'ready' ? { ...s, thread: { ...s.thread, ...thread } } : s)),
  };
  const heading = th.removed && !th.title ? t('thread.removedTitle') : th.deleted ? t('thread.deletedTitle') : th.title;
  return (
    <Page title={heading}>
      <ThreadView thread={th} ctx={ctx} />
    </Page>
  );
}

function ThreadView(props: { thread: ThreadWithComments; ctx: Ctx }) {
  const { t, tn } = useI18n();
  const th = props.thread;
  const [reactions, setReactions] = useReactions(th);
  return (
    <>
      <article class="card thread" aria-labelledby="page-title">
        <p class="thread-badges">
          <a href={communityPath(th.community)}>{th.community.title}</a>
          <ThreadBadges thread={th} />
        </p>
        <PostMeta post={th} ctx={props.ctx} />
        <PostBody post={th} />
        {th.attachments.length > 0 && !th.deleted && <Attachments items={th.attachments} />}
        {th.poll && !th.deleted && <PollView thread={th} poll={th.poll} canVote={props.ctx.isMember} onChange={props.ctx.update} />}
        {th.event && !th.deleted && <EventView thread={th} event={th.event} canAnswer={props.ctx.isMember} onChange={props.ctx.update} />}
        <ReactionBar postId={th.id} reactions={reactions} label={th.title} disabled={th.deleted} onChange={setReactions} />
        <PostTools post={th} ctx={props.ctx} isThread />
      </article>

      <section aria-labelledby="comments-heading" class="comments">
        <h2 id="comments-heading">{tn('thread.comments', th.comment_count)}</h2>
        {props.ctx.canReply ? (
          <ReplyForm parentId={th.id} ctx={props.ctx} label={t('thread.addComment')} open />
        ) : (
          <p class="help">{th.locked ? t('thread.lockedHelp') : t('thread.joinToReply')}</p>
        )}
        {th.comments.length > 0 && <CommentTree comments={th.comments} ctx={props.ctx} level={1} />}
        {th.comments_truncated && <p class="help">{t('thread.truncated')}</p>}
      </section>
    </>
  );
}

// The post's reactions, replaced by what the server answered to my reaction until the post
// itself is reloaded.
function useReactions(post: Post): [Reactions, (r: Reactions) => void] {
  const [mine, setMine] = useState<{ post: Post; reactions: Reactions } | null>(null);
  return [mine?.post === post ? mine.reactions : post.reactions, (reactions) => setMine({ post, reactions })];
}

function PostMeta(props: { post: Post; ctx: Ctx }) {
  const { t, formatDate, formatRelative } = useI18n();
  const p = props.post;
  const published = p.published_at;
  return (
    <p class="status-meta">
      <span class="author">{personName(p.author)}</span> <span class="acct">@{p.author.acct}</span> ·{' '}
      <time dateTime={published} title={formatDate(published)}>
        {formatRelative(published, props.ctx.now)}
      </time>
      {p.edited_at && <span> · {t('status.edited')}</span>}
    </p>
  );
}

function PostBody(props: { post: Post }) {
  const { t } = useI18n();
  const p = props.post;
  if (p.deleted) return <p class="help">{t('thread.deletedBody')}</p>;
  if (p.removed && !p.body_html) return <p class="help">{t('thread.removedBody')}</p>;
  return (
    <div
      class="status-content"
      lang={p.language ?? undefined}
      // Sanitised by the server (content/); the CSP forbids scripts.
      dangerouslySetInnerHTML={{ __html: p.body_html }}
    />
  );
}

function Attachments(props: { items: Thread['attachments'] }) {
  const { t } = useI18n();
  return (
    <ul class="attachments" aria-label={t('thread.attachments')}>
      {props.items.map((a) => (
        <li key={a.url}>
          {a.media_type.startsWith('image/') ? (
            <a href={a.url}>
              <img src={a.preview_url ?? a.url} alt={a.description ?? ''} width={a.width ?? undefined} height={a.height ?? undefined} loading="lazy" />
            </a>
          ) : (
            <a href={a.url}>{a.description || a.url.split('/').pop()}</a>
          )}
        </li>
      ))}
    </ul>
  );
}

function CommentTree(props: { comments: Comment[]; ctx: Ctx; level: number }) {
  return (
    <ol class={props.level === 1 ? 'comment-tree' : 'comment-replies'}>
      {props.comments.map((c) => (
        <li key={c.id}>
          <CommentNode comment={c} ctx={props.ctx} level={props.level} />
        </li>
      ))}
    </ol>
  );
}

function CommentNode(props: { comment: Comment; ctx: Ctx; level: number }) {
  const { t } = useI18n();
  const c = props.comment;
  const [reactions, setReactions] = useReactions(c);
  const accepted = c.accepted || props.ctx.thread.accepted_answer_id === c.id;
  const label = t('thread.commentBy', { name: personName(c.author) });
  return (
    <article id={`comment-${c.id}`} tabIndex={-1} class={accepted ? 'comment accepted' : 'comment'} aria-label={accepted ? `${label} – ${t('thread.acceptedAnswer')}` : label}>
      {accepted && <p class="pill pill-success accepted-label">✓ {t('thread.acceptedAnswer')}</p>}
      <PostMeta post={c} ctx={props.ctx} />
      <PostBody post={c} />
      {!c.deleted && <ReactionBar postId={c.id} reactions={reactions} label={label} onChange={setReactions} />}
      <PostTools post={c} ctx={props.ctx} />
      {c.replies.length > 0 && <CommentTree comments={c.replies} ctx={props.ctx} level={props.level + 1} />}
    </article>
  );
}

function ReplyForm(props: { parentId: string; ctx: Ctx; label: string; open?: boolean; onDone?(): void }) {
  const { t } = useI18n();
  const { api } = useApp();
  const errorText = useErrorText();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!body.trim()) return setError(t('thread.emptyComment'));
    setBusy(true);
    setError(null);
    try {
      await api.community.comment(props.parentId, { body });
      setBody('');
      props.onDone?.();
      props.ctx.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="reply-form form" onSubmit={submit} noValidate>
      <MarkdownField id={`reply-${props.parentId}`} label={props.label} value={body} onInput={setBody} rows={props.open ? 4 : 3} />
      <InlineError text={error} />
      <FormActions submit={t('thread.send')} busy={busy} busyLabel={t('thread.sending')} onCancel={props.onDone} cancel={t('composer.cancel')} />
    </form>
  );
}

type Panel = 'none' | 'reply' | 'edit' | 'history' | 'report' | 'delete' | 'remove';

// Reply, edit, history, delete and report for everyone as allowed; pin, lock, remove and restore
// for managers; accept an answer for the asker.
function PostTools(props: { post: Post; ctx: Ctx; isThread?: boolean }) {
  const { t } = useI18n();
  const { api } = useApp();
  const errorText = useErrorText();
  const [panel, setPanel] = useState<Panel>('none');
  const [error, setError] = useState<string | null>(null);
  const p = props.post;
  const mine = props.ctx.me === p.author.id;
  const thread = props.isThread ? (p as Thread) : null;
  const name = props.isThread ? (p as Thread).title : t('thread.commentBy', { name: personName(p.author) });
  const toggle = (next: Panel) => setPanel(panel === next ? 'none' : next);

  const act = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      setPanel('none');
      props.ctx.reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  if (p.deleted) return null;
  const canAccept =
    !props.isThread && props.ctx.thread.question && props.ctx.me === props.ctx.thread.author.id && !mine && !(p as Comment).accepted;

  return (
    <div class="post-tools">
      <div class="tool-row" role="group" aria-label={t('thread.actionsFor', { post: name })}>
        {!props.isThread && props.ctx.canReply && (
          <button type="button" class="link-button" aria-expanded={panel === 'reply'} onClick={() => toggle('reply')}>
            {t('thread.reply')}
          </button>
        )}
        {canAccept && (
          <button
            type="button"
            class="link-button"
            // The button goes away with the answer accepted: the keyboard stays on the answer.
            onClick={() => act(() => api.community.accept(p.id)).then(() => document.getElementById(`comment-${p.id}`)?.focus())}
          >
            {t('thread.accept')}
          </button>
        )}
        {mine && (
          <button type="button" class="link-button" aria-expanded={panel === 'edit'} onClick={() => toggle('edit')}>
            {t('thread.edit')}
          </button>
        )}
        {p.edited_at && (
          <button type="button" class="link-button" aria-expanded={panel === 'history'} onClick={() => toggle('history')}>
            {t('thread.history')}
          </button>
        )}
        {mine && (
          <button type="button" class="link-button" aria-expanded={panel === 'delete'} onClick={() => toggle('delete')}>
            {t('thread.delete')}
          </button>
        )}
        {!mine && (
          <button type="button" class="link-button" aria-expanded={panel === 'report'} onClick={() => toggle('report')}>
            {t('thread.report')}
          </button>
        )}
        {props.ctx.canManage && thread && (
          <>
            <button type="button" class="link-button" onClick={() => act(() => api.community.moderate(p.id, thread.pinned ? 'unpin' : 'pin'))}>
              {thread.pinned ? t('mod.unpin') : t('mod.pin')}
            </button>
            <button type="button" class="link-button" onClick={() => act(() => api.community.moderate(p.id, thread.locked ? 'unlock' : 'lock'))}>
              {thread.locked ? t('mod.unlock') : t('mod.lock')}
            </button>
          </>
        )}
        {props.ctx.canManage &&
          (p.removed ? (
            <button type="button" class="link-button" onClick={() => act(() => api.community.moderate(p.id, 'restore'))}>
              {t('mod.restore')}
            </button>
          ) : (
            <button type="button" class="link-button" aria-expanded={panel === 'remove'} onClick={() => toggle('remove')}>
              {t('mod.remove')}
            </button>
          ))}
      </div>
      <InlineError text={error} />
      {panel === 'reply' && (
        <ReplyForm parentId={p.id} ctx={props.ctx} label={t('thread.replyTo', { name: personName(p.author) })} onDone={() => setPanel('none')} />
      )}
      {panel === 'edit' && <EditForm post={p} isThread={!!props.isThread} onCancel={() => setPanel('none')} onSave={(c) => act(() => api.community.edit(p.id, c))} />}
      {panel === 'history' && <History postId={p.id} />}
      {panel === 'delete' && (
        <div class="confirm" role="group" aria-label={t('thread.delete')}>
          <p>{t('thread.deleteConfirm')}</p>
          <div class="actions">
            <button type="button" class="button button-danger" onClick={() => act(() => api.community.deletePost(p.id))}>
              {t('thread.deleteYes')}
            </button>
            <button type="button" class="button button-quiet" onClick={() => setPanel('none')}>
              {t('composer.cancel')}
            </button>
          </div>
        </div>
      )}
      {panel === 'report' && (
        <ReasonForm
          id={`report-${p.id}`}
          label={t('thread.reportReason')}
          submit={t('thread.reportSend')}
          required
          onCancel={() => setPanel('none')}
          onSubmit={(reason) => act(() => api.community.report(p.id, reason))}
        />
      )}
      {panel === 'remove' && (
        <ReasonForm
          id={`remove-${p.id}`}
          label={t('mod.removeReason')}
          submit={t('mod.remove')}
          onCancel={() => setPanel('none')}
          onSubmit={(reason) => act(() => api.community.remove(p.id, reason || undefined))}
        />
      )}
    </div>
  );
}

function EditForm(props: { post: Post; isThread: boolean; onCancel(): void; onSave(changes: { body: string; title?: string }): void }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(props.isThread ? (props.post as Thread).title : '');
  const [body, setBody] = useState(props.post.body ?? '');
  return (
    <form
      class="form edit-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSave(props.isThread ? { title, body } : { body });
      }}
    >
      {props.isThread && (
        <div class="field">
          <label for={`edit-title-${props.post.id}`}>{t('composer.threadTitle')}</label>
          <input id={`edit-title-${props.post.id}`} value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} />
        </div>
      )}
      <MarkdownField id={`edit-body-${props.post.id}`} label={t('thread.editBody')} value={body} onInput={setBody} />
      <FormActions submit={t('thread.saveEdit')} onCancel={props.onCancel} cancel={t('composer.cancel')} />
    </form>
  );
}

export function ReasonForm(props: {
  id: string;
  label: string;
  submit: string;
  required?: boolean;
  onCancel(): void;
  onSubmit(reason: string): void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  return (
    <form
      class="form reason-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (props.required && !reason.trim()) return setMissing(true);
        props.onSubmit(reason.trim());
      }}
    >
      <div class="field">
        <label for={props.id}>{props.label}</label>
        <input id={props.id} value={reason} aria-invalid={missing} onInput={(e) => setReason(e.currentTarget.value)} />
        <InlineError text={missing ? t('thread.reasonMissing') : null} />
      </div>
      <FormActions submit={props.submit} onCancel={props.onCancel} cancel={t('composer.cancel')} />
    </form>
  );
}

function History(props: { postId: string }) {
  const { t, formatDate } = useI18n();
  const { api } = useApp();
  const { state, load } = useLoad(() => api.community.history(props.postId), [api, props.postId]);
  return (
    <Loaded state={state} reload={load}>
      {(revisions) => (
    <section class="history" aria-label={t('thread.history')}>
      <ol>
        {revisions.map((r, i) => (
          <li key={i}>
            <p class="status-meta">
              <time dateTime={r.edited_at}>{formatDate(r.edited_at)}</time>
              {r.current && <span> · {t('thread.currentVersion')}</span>}
            </p>
            {r.title && <p class="history-title">{r.title}</p>}
            <div class="status-content" dangerouslySetInnerHTML={{ __html: r.body_html }} />
          </li>
        ))}
      </ol>
    </section>
      )}
    </Loaded>
  );
}
