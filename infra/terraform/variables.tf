variable "environment" {
  description = "Environment name (dev, prod)"
  type        = string
}

variable "aws_region" {
  description = "AWS region of the tables"
  type        = string
  default     = "us-east-1"
}

variable "table_prefix" {
  description = "Prepended to every table name of config/tables.json; the server's TABLE_PREFIX must match"
  type        = string
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST or PROVISIONED"
  type        = string
  default     = "PAY_PER_REQUEST"
  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  description = "Read capacity units per table and index (PROVISIONED only)"
  type        = number
  default     = 5
}

variable "write_capacity" {
  description = "Write capacity units per table and index (PROVISIONED only)"
  type        = number
  default     = 5
}

variable "deletion_protection" {
  description = "Refuse to delete tables"
  type        = bool
  default     = true
}

variable "media_bucket" {
  description = "Name of the media bucket; the server's S3_BUCKET must match (3 to 63 of [a-z0-9.-])"
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.media_bucket))
    error_message = "media_bucket must be 3 to 63 lower-case letters, digits, '.' or '-'."
  }
}

variable "server_principal_service" {
  description = "The AWS service that runs the server and assumes its role"
  type        = string
  default     = "ecs-tasks.amazonaws.com"
}
