// Command hello is a small static Go program the image tests put in an
// image in place of vigia, quicker to build.
package main

func main() { println("hello") }
