/*
 * announce.h - the call announcer: a queue of calls played one at a time,
 * in order, never overlapping, never skipped.  Each call becomes one PCM
 * block (mono, signed 16-bit, ANNOUNCE_RATE Hz): a chime, then the sentence
 * "Mời công dân có số ... đến quầy số ..." spoken by libespeak-ng's
 * Vietnamese voice, or joined from recorded clips when the centre provides
 * a folder of them (see displays/README.md for the file names).
 *
 * A worker thread renders each block and hands it to a sink, which returns
 * only when the block has been played: the SDL sink plays through an SDL
 * audio device (SDL_AUDIODRIVER=disk writes it to a file in tests), the
 * memory sink appends to a buffer.
 */
#ifndef ONESTOP_ANNOUNCE_H
#define ONESTOP_ANNOUNCE_H

#include <stddef.h>
#include <stdint.h>

#include "displays/dmodel.h"

#define ANNOUNCE_RATE 22050

/* Plays n samples and returns when they have been played; 0 or -1. */
struct announce_sink {
	int (*play)(void *arg, const int16_t *pcm, size_t n);
	void *arg;
};

/* Called by the worker before (start = 1) and after (0) playing a call,
 * with the block played. */
typedef void (*announce_trace_fn)(void *arg, const struct dmodel_call *c,
    int start, const int16_t *pcm, size_t samples);

typedef struct announce announce;

/*
 * A new announcer.  clips_dir may be NULL (speech only); voice 0 = no
 * speech synthesis (clips only, or the chime alone).  The worker starts
 * at once.  NULL with err filled when nothing can speak at all and the
 * chime is disabled too.
 */
announce *announce_new(const char *clips_dir, int voice,
    const struct announce_sink *sink, char *err, size_t errlen);
/* Stop the worker after the block being played; free everything. */
void announce_free(announce *a);
void announce_set_trace(announce *a, announce_trace_fn fn, void *arg);
/* Speech speed in words per minute (espeak-ng; default 140). */
void announce_set_rate(announce *a, int wpm);

/* Queue a call (thread-safe). */
void announce_push(announce *a, const struct dmodel_call *c);
/* Calls queued or playing. */
int announce_pending(announce *a);
/* Wait until nothing is queued or playing (tests, shutdown). */
void announce_drain(announce *a);

/*
 * Render the block for c (the same the worker plays): *pcm malloc'd, caller
 * frees.  0 or -1.  Only from the thread that owns the announcer when the
 * worker is idle (tests), since speech synthesis is not reentrant.
 */
int announce_render(announce *a, const struct dmodel_call *c, int16_t **pcm,
    size_t *n);

/* Where the voice came from: "espeak-ng", "clips", "chime only". */
const char *announce_voice_name(announce *a, const struct dmodel_call *c);

/* The SDL sink: opens the default audio device.  NULL with err on failure. */
struct announce_sdl;
struct announce_sdl *announce_sdl_open(char *err, size_t errlen);
void announce_sdl_close(struct announce_sdl *s);
struct announce_sink announce_sdl_sink(struct announce_sdl *s);

#endif
