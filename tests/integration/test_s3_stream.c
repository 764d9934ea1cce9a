/* db/s3 against a live SeaweedFS: streamed downloads paused, resumed and cancelled, and the cap. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "s3_live.h"

TestSuite(s3_stream, .init = s3_live_setup, .fini = s3_live_teardown, .timeout = 120);

static int cancel_inside(const char *data, size_t len, void *ctx)
{
    answer_t *a = ctx;
    (void)data;
    a->len += len;
    a->pieces++;
    sd_s3_cancel(a->g);
    return 0;
}

static int pause_and_resume_inside(const char *data, size_t len, void *ctx)
{
    answer_t *a = ctx;
    on_data(data, len, ctx);
    sd_s3_resume(a->g); /* changes its mind before returning: no pause */
    return 1;
}

Test(s3_stream, a_paused_download_can_be_cancelled)
{
    static char body[256 << 10];
    memset(body, 'x', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/cancel.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {0};
    get.pause_every = 1;
    uv_timer_init(&loop, &get.resume);
    get.resume.data = &get;
    cr_assert_eq(sd_s3_get(s3, "t/cancel.bin", NULL, on_head, on_data, on_done, &get, &get.g), SD_OK);
    while (!get.pieces)
        uv_run(&loop, UV_RUN_ONCE);
    uv_timer_stop(&get.resume); /* stays paused */
    uv_close((uv_handle_t *)&get.resume, NULL);
    cr_assert_eq(get.broken, 0);
    sd_s3_cancel(get.g);
    cr_assert_eq(get.done, 0, "cancel calls back from the loop, not from inside");
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_CANCELLED);
    cr_assert(get.len < sizeof body);
    free(get.body);
}

Test(s3_stream, a_download_cancelled_from_its_own_callback)
{
    static char body[512 << 10];
    memset(body, 'y', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/cancel-inside.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {0};
    cr_assert_eq(sd_s3_get(s3, "t/cancel-inside.bin", NULL, on_head, cancel_inside, on_done, &get, &get.g),
                 SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_ERR_CANCELLED);
    cr_assert_eq(get.pieces, 1, "no data after the cancel");
}

Test(s3_stream, a_resume_from_inside_the_data_callback_cancels_the_pause)
{
    static char body[1 << 20];
    memset(body, 'r', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/resume-inside.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    answer_t get = {0};
    cr_assert_eq(
        sd_s3_get(s3, "t/resume-inside.bin", NULL, on_head, pause_and_resume_inside, on_done, &get, &get.g),
        SD_OK);
    wait_done(&get);
    cr_assert_eq(get.r.err, SD_OK);
    cr_assert_eq(get.len, sizeof body);
    free(get.body);
}

Test(s3_stream, paused_downloads_leave_the_cap_to_other_calls)
{
    static char body[1 << 20];
    memset(body, 'p', sizeof body);
    answer_t put = {0};
    cr_assert_eq(sd_s3_put(s3, "t/paused.bin", NULL, body, sizeof body, on_done, &put), SD_OK);
    wait_done(&put);
    /* As many downloads as the cap (4), each paused after its first piece and never resumed. */
    answer_t gets[4];
    memset(gets, 0, sizeof gets);
    for (int i = 0; i < 4; i++) {
        gets[i].pause_every = 1;
        uv_timer_init(&loop, &gets[i].resume);
        gets[i].resume.data = &gets[i];
        cr_assert_eq(sd_s3_get(s3, "t/paused.bin", NULL, on_head, on_data, on_done, &gets[i], &gets[i].g),
                     SD_OK);
    }
    for (int i = 0; i < 4; i++) {
        while (!gets[i].pieces)
            uv_run(&loop, UV_RUN_ONCE);
        uv_timer_stop(&gets[i].resume);
    }
    answer_t head = {0};
    cr_assert_eq(sd_s3_head(s3, "t/paused.bin", on_done, &head), SD_OK);
    wait_done(&head);
    cr_assert_eq(head.r.err, SD_OK);
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(gets[i].done, 0);
        sd_s3_cancel(gets[i].g);
        wait_done(&gets[i]);
        cr_assert_eq(gets[i].broken, 0);
        uv_close((uv_handle_t *)&gets[i].resume, NULL);
        free(gets[i].body);
    }
    uv_run(&loop, UV_RUN_NOWAIT); /* the timers live in this frame */
}
