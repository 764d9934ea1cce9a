#include "services/unfurl.h"

void sd_unfurl_message(sd_app_t *app, const json_t *message)
{
    (void)app;
    (void)message;
}
