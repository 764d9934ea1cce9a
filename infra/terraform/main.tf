# DynamoDB tables for SimpleDiscord, generated from config/tables.json - the same file `simplediscord init-db`
# reads - so that local and cloud schemas cannot drift apart.

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
}

data "aws_caller_identity" "current" {}

locals {
  spec   = jsondecode(file("${path.module}/../../config/tables.json"))
  tables = local.spec.tables
  provisioned = var.billing_mode == "PROVISIONED"
}

# The policy of the project's customer-managed keys (tables, media): the account administers them.
locals {
  kms_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministers"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

# One customer-managed key encrypts every table at rest.
resource "aws_kms_key" "tables" {
  description             = "SimpleDiscord ${var.environment} DynamoDB tables"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_key_policy
}

resource "aws_dynamodb_table" "table" {
  for_each = local.tables

  name           = "${var.table_prefix}${each.key}"
  billing_mode   = var.billing_mode
  read_capacity  = local.provisioned ? var.read_capacity : null
  write_capacity = local.provisioned ? var.write_capacity : null
  hash_key       = each.value.hash_key
  range_key      = try(each.value.range_key, null)

  dynamic "attribute" {
    for_each = each.value.attributes
    content {
      name = attribute.key
      type = attribute.value
    }
  }

  dynamic "global_secondary_index" {
    for_each = try(each.value.global_secondary_indexes, [])
    content {
      name               = global_secondary_index.value.name
      hash_key           = global_secondary_index.value.hash_key
      range_key          = try(global_secondary_index.value.range_key, null)
      projection_type    = global_secondary_index.value.projection
      non_key_attributes = try(global_secondary_index.value.non_key_attributes, null)
      read_capacity      = local.provisioned ? var.read_capacity : null
      write_capacity     = local.provisioned ? var.write_capacity : null
    }
  }

  dynamic "ttl" {
    for_each = try(each.value.ttl_attribute, null) == null ? [] : [each.value.ttl_attribute]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.tables.arn
  }

  deletion_protection_enabled = var.deletion_protection

  tags = {
    Project     = "simplediscord"
    Environment = var.environment
  }
}

output "table_names" {
  description = "Logical name -> DynamoDB table name"
  value       = { for k, t in aws_dynamodb_table.table : k => t.name }
}
