//go:build !linux

package main

// releaseStartupPages: paging out on request is Linux's (MADV_PAGEOUT).
func releaseStartupPages() {}
