/*
 * announce.c - the call announcer (see announce.h).  One worker thread
 * pops calls in order, renders chime + voice into one PCM block and plays
 * it through the sink, which blocks until it has been played: so blocks
 * never overlap and none is skipped.  espeak-ng is used only from the
 * worker (or from announce_render while the worker is idle).
 */
#include "displays/announce.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL.h>
#include <espeak-ng/espeak_ng.h>

#include "displays/vnnum.h"
#include "common/xmalloc.h"

#define ANNOUNCE_QMAX 256

struct pcmbuf {
	int16_t *s;
	size_t n, cap;
};

struct clip {
	char name[16];
	int16_t *s;
	size_t n;
	int missing;
};

struct announce {
	struct announce_sink sink;
	char *clips_dir;
	int voice;                  /* espeak-ng ready */
	int rate_wpm;
	struct clip clips[32];
	int nclips;
	announce_trace_fn trace;
	void *trace_arg;

	pthread_t worker;
	pthread_mutex_t mu;
	pthread_cond_t cv;          /* queue changed / idle */
	struct dmodel_call q[ANNOUNCE_QMAX];
	int qhead, qlen;
	int busy, stop;
};

/* Word -> clip file name (without ".wav"), and the fixed phrases. */
static const struct { const char *word, *clip; } announce_words[] = {
	{ "không", "khong" }, { "một", "mot" }, { "mốt", "mot1" }, { "hai", "hai" },
	{ "ba", "ba" }, { "bốn", "bon" }, { "tư", "tu" }, { "năm", "nam" },
	{ "lăm", "lam" }, { "sáu", "sau" }, { "bảy", "bay" }, { "tám", "tam" },
	{ "chín", "chin" }, { "mười", "muoi" }, { "mươi", "muoi1" },
	{ "trăm", "tram" }, { "linh", "linh" }, { "nghìn", "nghin" },
	{ "triệu", "trieu" },
};

static void
pcm_append(struct pcmbuf *b, const int16_t *s, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->s = xreallocarray(b->s, b->cap, sizeof *b->s);
	}
	if (s != NULL)
		memcpy(b->s + b->n, s, n * sizeof *s);
	else
		memset(b->s + b->n, 0, n * sizeof *s);
	b->n += n;
}

/* The built-in chime: two decaying tones (ding-dong) and a short pause. */
static void
announce_chime(struct pcmbuf *b)
{
	static const double freq[2] = { 880.0, 660.0 }, dur[2] = { 0.30, 0.50 };
	int k;

	for (k = 0; k < 2; k++) {
		size_t i, n = (size_t)(dur[k] * ANNOUNCE_RATE);
		int16_t *s = xreallocarray(NULL, n, sizeof *s);

		for (i = 0; i < n; i++) {
			double t = (double)i / ANNOUNCE_RATE;
			double env = exp(-4.0 * t) * (i < 200 ? (double)i / 200.0 : 1.0);
			double v = sin(2.0 * M_PI * freq[k] * t) + 0.3 * sin(4.0 * M_PI * freq[k] * t);

			s[i] = (int16_t)lrint(9000.0 * env * v);
		}
		pcm_append(b, s, n);
		free(s);
	}
	pcm_append(b, NULL, ANNOUNCE_RATE / 5);
}

/* ---- clips --------------------------------------------------------------- */

/* Load a WAV clip converted to mono S16 at ANNOUNCE_RATE; NULL if absent. */
static struct clip *
announce_clip(announce *a, const char *name)
{
	char path[1024];
	SDL_AudioSpec spec;
	SDL_AudioCVT cvt;
	Uint8 *buf = NULL;
	Uint32 len = 0;
	struct clip *c;
	int i;

	for (i = 0; i < a->nclips; i++)
		if (strcmp(a->clips[i].name, name) == 0)
			return a->clips[i].missing ? NULL : &a->clips[i];
	if (a->nclips >= (int)(sizeof a->clips / sizeof a->clips[0]))
		return NULL;
	c = &a->clips[a->nclips++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->missing = 1;
	snprintf(path, sizeof path, "%s/%s.wav", a->clips_dir, name);
	if (SDL_LoadWAV(path, &spec, &buf, &len) == NULL)
		return NULL;
	if (SDL_BuildAudioCVT(&cvt, spec.format, spec.channels, spec.freq,
	    AUDIO_S16SYS, 1, ANNOUNCE_RATE) < 0) {
		SDL_FreeWAV(buf);
		return NULL;
	}
	cvt.len = (int)len;
	cvt.buf = xmalloc((size_t)len * (size_t)(cvt.len_mult > 0 ? cvt.len_mult : 1));
	memcpy(cvt.buf, buf, len);
	SDL_FreeWAV(buf);
	if (SDL_ConvertAudio(&cvt) < 0) {
		free(cvt.buf);
		return NULL;
	}
	c->s = (int16_t *)(void *)cvt.buf;
	c->n = (size_t)cvt.len_cvt / sizeof(int16_t);
	c->missing = 0;
	return c;
}

/* Append the clips for the words of s (space-separated); -1 if one lacks. */
static int
announce_clip_words(announce *a, struct pcmbuf *b, const char *s)
{
	char word[32];

	while (*s != '\0') {
		size_t n = strcspn(s, " "), i;
		const char *name = NULL;
		struct clip *c;

		if (n >= sizeof word)
			return -1;
		memcpy(word, s, n);
		word[n] = '\0';
		for (i = 0; i < sizeof announce_words / sizeof announce_words[0]; i++)
			if (strcmp(announce_words[i].word, word) == 0)
				name = announce_words[i].clip;
		if (name == NULL || (c = announce_clip(a, name)) == NULL)
			return -1;
		pcm_append(b, c->s, c->n);
		s += n;
		while (*s == ' ')
			s++;
	}
	return 0;
}

/* The sentence from clips: [nhac-lai] moi <number> den-quay <counter>. */
static int
announce_from_clips(announce *a, const struct dmodel_call *c, struct pcmbuf *b)
{
	char num[128], ctr[128];
	struct clip *moi, *den, *again = NULL;
	size_t start = b->n;

	if (a->clips_dir == NULL)
		return -1;
	if (vnnum_words(c->number, num, sizeof num) < 0 ||
	    vnnum_words(c->counter, ctr, sizeof ctr) < 0)
		return -1;
	moi = announce_clip(a, "moi");
	den = announce_clip(a, "den-quay");
	if (c->recall && (again = announce_clip(a, "nhac-lai")) == NULL)
		return -1;
	if (moi == NULL || den == NULL)
		return -1;
	if (again != NULL)
		pcm_append(b, again->s, again->n);
	pcm_append(b, moi->s, moi->n);
	if (announce_clip_words(a, b, num) != 0)
		goto fail;
	pcm_append(b, den->s, den->n);
	if (announce_clip_words(a, b, ctr) != 0)
		goto fail;
	return 0;
fail:
	b->n = start;
	return -1;
}

/* ---- espeak-ng ----------------------------------------------------------- */

static int
announce_synth_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct pcmbuf *b = ev != NULL ? ev->user_data : NULL;

	if (b != NULL && wav != NULL && n > 0)
		pcm_append(b, wav, (size_t)n);
	return 0;
}

/*
 * espeak-ng is set up once per process and never terminated: its
 * espeak_ng_Terminate() can hang joining its own thread when the library is
 * initialised a second time.  Announcers use it one at a time.
 */
static pthread_mutex_t announce_espeak_mu = PTHREAD_MUTEX_INITIALIZER;
static int announce_espeak_state;      /* 0 not tried, 1 ready, -1 failed */
static char announce_espeak_err[256];

static int
announce_espeak_setup(char *err, size_t errlen)
{
	espeak_ng_ERROR_CONTEXT ctx = NULL;
	espeak_ng_STATUS st;

	espeak_ng_InitializePath(NULL);
	st = espeak_ng_Initialize(&ctx);
	if (st != ENS_OK) {
		espeak_ng_ClearErrorContext(&ctx);
		snprintf(err, errlen, "espeak-ng: cannot initialise (%d)", (int)st);
		return -1;
	}
	st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
	if (st == ENS_OK)
		st = espeak_ng_SetVoiceByName("vi");
	if (st != ENS_OK) {
		snprintf(err, errlen, "espeak-ng: no Vietnamese voice (%d)", (int)st);
		return -1;
	}
	if (espeak_ng_GetSampleRate() != ANNOUNCE_RATE) {
		snprintf(err, errlen, "espeak-ng: sample rate %d, not %d",
		    espeak_ng_GetSampleRate(), ANNOUNCE_RATE);
		return -1;
	}
	espeak_SetSynthCallback(announce_synth_cb);
	return 0;
}

static int
announce_espeak_init(char *err, size_t errlen)
{
	int st;

	pthread_mutex_lock(&announce_espeak_mu);
	if (announce_espeak_state == 0)
		announce_espeak_state = announce_espeak_setup(announce_espeak_err,
		    sizeof announce_espeak_err) == 0 ? 1 : -1;
	st = announce_espeak_state;
	snprintf(err, errlen, "%s", announce_espeak_err);
	pthread_mutex_unlock(&announce_espeak_mu);
	return st == 1 ? 0 : -1;
}

static int
announce_from_espeak(announce *a, const struct dmodel_call *c, struct pcmbuf *b)
{
	char text[512];
	size_t start = b->n;

	if (!a->voice)
		return -1;
	if (vnnum_call_sentence(c->number, c->counter, c->recall, text, sizeof text) < 0)
		return -1;
	espeak_ng_SetParameter(espeakRATE, a->rate_wpm, 0);
	if (espeak_ng_Synthesize(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, b) != ENS_OK || espeak_ng_Synchronize() != ENS_OK) {
		b->n = start;
		return -1;
	}
	return b->n > start ? 0 : -1;
}

/* ---- rendering and the worker -------------------------------------------- */

int
announce_render(announce *a, const struct dmodel_call *c, int16_t **pcm, size_t *n)
{
	struct pcmbuf b = { NULL, 0, 0 };
	struct clip *chime = a->clips_dir ? announce_clip(a, "chime") : NULL;

	if (chime != NULL)
		pcm_append(&b, chime->s, chime->n);
	else
		announce_chime(&b);
	if (announce_from_clips(a, c, &b) != 0)
		(void)announce_from_espeak(a, c, &b);
	pcm_append(&b, NULL, ANNOUNCE_RATE / 2);     /* a breath between calls */
	*pcm = b.s;
	*n = b.n;
	return 0;
}

const char *
announce_voice_name(announce *a, const struct dmodel_call *c)
{
	struct pcmbuf b = { NULL, 0, 0 };
	int ok = announce_from_clips(a, c, &b) == 0;

	free(b.s);
	if (ok)
		return "clips";
	return a->voice ? "espeak-ng" : "chime only";
}

static void *
announce_worker(void *arg)
{
	announce *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		struct dmodel_call c;
		int16_t *pcm;
		size_t n;

		while (a->qlen == 0 && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop)
			break;
		c = a->q[a->qhead];
		a->busy = 1;
		pthread_mutex_unlock(&a->mu);

		announce_render(a, &c, &pcm, &n);
		if (a->trace != NULL)
			a->trace(a->trace_arg, &c, 1, pcm, n);
		a->sink.play(a->sink.arg, pcm, n);
		if (a->trace != NULL)
			a->trace(a->trace_arg, &c, 0, pcm, n);
		free(pcm);

		pthread_mutex_lock(&a->mu);
		a->qhead = (a->qhead + 1) % ANNOUNCE_QMAX;
		a->qlen--;
		a->busy = 0;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

announce *
announce_new(const char *clips_dir, int voice, const struct announce_sink *sink,
    char *err, size_t errlen)
{
	announce *a = xcalloc(1, sizeof *a);
	char why[256] = "";

	a->sink = *sink;
	a->rate_wpm = 140;
	a->clips_dir = clips_dir != NULL && *clips_dir != '\0' ? xstrdup(clips_dir) : NULL;
	if (voice && announce_espeak_init(why, sizeof why) == 0)
		a->voice = 1;
	if (voice && !a->voice)
		snprintf(err, errlen, "%s", why);   /* a warning: clips or chime remain */
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->worker, NULL, announce_worker, a) != 0) {
		snprintf(err, errlen, "announce: cannot start its thread");
		free(a->clips_dir);
		free(a);
		return NULL;
	}
	return a;
}

void
announce_free(announce *a)
{
	int i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->worker, NULL);
	for (i = 0; i < a->nclips; i++)
		free(a->clips[i].s);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a->clips_dir);
	free(a);
}

void
announce_set_trace(announce *a, announce_trace_fn fn, void *arg)
{
	a->trace = fn;
	a->trace_arg = arg;
}

void
announce_set_rate(announce *a, int wpm)
{
	if (wpm >= espeakRATE_MINIMUM && wpm <= espeakRATE_MAXIMUM)
		a->rate_wpm = wpm;
}

void
announce_push(announce *a, const struct dmodel_call *c)
{
	pthread_mutex_lock(&a->mu);
	if (a->qlen < ANNOUNCE_QMAX) {
		a->q[(a->qhead + a->qlen) % ANNOUNCE_QMAX] = *c;
		a->qlen++;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
}

int
announce_pending(announce *a)
{
	int n;

	pthread_mutex_lock(&a->mu);
	n = a->qlen;
	pthread_mutex_unlock(&a->mu);
	return n;
}

void
announce_drain(announce *a)
{
	pthread_mutex_lock(&a->mu);
	while (a->qlen > 0 && !a->stop)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

/* ---- SDL sink ------------------------------------------------------------ */

struct announce_sdl {
	SDL_AudioDeviceID dev;
	SDL_mutex *mu;
	SDL_cond *done;
	const int16_t *cur;
	size_t n, off;
};

static void SDLCALL
announce_sdl_cb(void *arg, Uint8 *stream, int len)
{
	struct announce_sdl *s = arg;
	size_t want = (size_t)len / sizeof(int16_t), k = 0;

	SDL_LockMutex(s->mu);
	if (s->cur != NULL) {
		k = s->n - s->off < want ? s->n - s->off : want;
		memcpy(stream, s->cur + s->off, k * sizeof(int16_t));
		s->off += k;
		if (s->off == s->n) {
			s->cur = NULL;
			SDL_CondBroadcast(s->done);
		}
	}
	SDL_UnlockMutex(s->mu);
	memset(stream + k * sizeof(int16_t), 0, (want - k) * sizeof(int16_t));
}

static int
announce_sdl_play(void *arg, const int16_t *pcm, size_t n)
{
	struct announce_sdl *s = arg;

	if (n == 0)
		return 0;
	SDL_LockMutex(s->mu);
	s->cur = pcm;
	s->n = n;
	s->off = 0;
	while (s->cur != NULL)
		SDL_CondWait(s->done, s->mu);
	SDL_UnlockMutex(s->mu);
	return 0;
}

struct announce_sdl *
announce_sdl_open(char *err, size_t errlen)
{
	struct announce_sdl *s;
	SDL_AudioSpec want, have;

	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		snprintf(err, errlen, "SDL audio: %s", SDL_GetError());
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->mu = SDL_CreateMutex();
	s->done = SDL_CreateCond();
	SDL_zero(want);
	want.freq = ANNOUNCE_RATE;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 1024;
	want.callback = announce_sdl_cb;
	want.userdata = s;
	s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
	if (s->dev == 0) {
		snprintf(err, errlen, "SDL audio device: %s", SDL_GetError());
		SDL_DestroyCond(s->done);
		SDL_DestroyMutex(s->mu);
		free(s);
		SDL_QuitSubSystem(SDL_INIT_AUDIO);
		return NULL;
	}
	SDL_PauseAudioDevice(s->dev, 0);
	return s;
}

void
announce_sdl_close(struct announce_sdl *s)
{
	if (s == NULL)
		return;
	SDL_CloseAudioDevice(s->dev);
	SDL_DestroyCond(s->done);
	SDL_DestroyMutex(s->mu);
	free(s);
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

struct announce_sink
announce_sdl_sink(struct announce_sdl *s)
{
	struct announce_sink k = { announce_sdl_play, s };

	return k;
}
