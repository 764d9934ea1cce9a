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
