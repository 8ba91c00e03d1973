// Site-wide script. It marks the page so you (and the tests) can see that scripts load and run.
document.documentElement.classList.add("js");
