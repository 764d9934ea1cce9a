environment         = "prod"
table_prefix        = "sd-prod-"
billing_mode        = "PROVISIONED"
read_capacity       = 25
write_capacity      = 25
deletion_protection = true
media_bucket        = "sd-prod-media"
