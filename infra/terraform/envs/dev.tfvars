environment         = "dev"
table_prefix        = "sd-dev-"
billing_mode        = "PAY_PER_REQUEST"
deletion_protection = false
media_bucket        = "sd-dev-media"
