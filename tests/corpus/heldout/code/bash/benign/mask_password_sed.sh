#!/usr/bin/env bash
# Masks the password field of each record.
sed -E 's/"password": *"[^"]*"/"password": "***"/g'
