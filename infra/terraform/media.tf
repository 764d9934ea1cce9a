# The object store for media (attachments, avatars, icons, emoji and their resized variants): one private S3
# bucket, the server's S3_BUCKET, and the role the server runs as, allowed exactly the object calls it makes.

resource "aws_kms_key" "media" {
  description             = "SimpleDiscord ${var.environment} media bucket"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_key_policy
}

resource "aws_s3_bucket" "media" {
  #checkov:skip=CKV_AWS_144:Media can be uploaded again and is not replicated across regions; one region serves it
  #checkov:skip=CKV_AWS_18:Every request reaches the bucket through the server, which logs it
  #checkov:skip=CKV2_AWS_62:Nothing consumes bucket events; the server writes every object itself
  #checkov:skip=CKV_AWS_21:Versioning stays off: a deleted message must delete its files, not keep old versions
  bucket        = var.media_bucket
  force_destroy = false

  tags = {
    Project     = "simplediscord"
    Environment = var.environment
  }
}

resource "aws_s3_bucket_public_access_block" "media" {
  bucket                  = aws_s3_bucket.media.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "media" {
  bucket = aws_s3_bucket.media.id
  versioning_configuration {
    status = "Disabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.media.arn
    }
    bucket_key_enabled = true
  }
}

# An upload that never completed (the server stopped, the store failed mid-way) leaves parts behind: gone after
# a day.
resource "aws_s3_bucket_lifecycle_configuration" "media" {
  bucket = aws_s3_bucket.media.id
  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

# Only TLS reaches the bucket.
resource "aws_s3_bucket_policy" "media" {
  bucket     = aws_s3_bucket.media.id
  depends_on = [aws_s3_bucket_public_access_block.media]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.media.arn, "${aws_s3_bucket.media.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_iam_role" "server" {
  name = "simplediscord-${var.environment}-server"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = var.server_principal_service }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = {
    Project     = "simplediscord"
    Environment = var.environment
  }
}

resource "aws_iam_role_policy" "server_media" {
  name = "media-objects"
  role = aws_iam_role.server.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "MediaObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
        Resource = "${aws_s3_bucket.media.arn}/*"
      },
      {
        Sid      = "MediaKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.media.arn
      },
    ]
  })
}

output "media_bucket" {
  description = "The server's S3_BUCKET"
  value       = aws_s3_bucket.media.bucket
}

output "server_role_arn" {
  description = "The role the server runs as (its AWS credentials)"
  value       = aws_iam_role.server.arn
}

# What the server's environment needs from this stack (the service definition passes it on).
output "server_environment" {
  description = "Settings for the server process: TABLE_PREFIX, S3_BUCKET, S3_REGION"
  value = {
    TABLE_PREFIX = var.table_prefix
    S3_BUCKET    = aws_s3_bucket.media.bucket
    S3_REGION    = var.aws_region
    S3_ENDPOINT  = ""
  }
}
