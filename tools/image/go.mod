module github.com/vigia-dev/vigia/tools/image

go 1.26.8
